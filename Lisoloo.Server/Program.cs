// Lisoloo.Server: `serve` (the default) runs the v1 API; `keys …` and `balance …` are the operator commands.
return await Lisoloo.Server.Cli.Commands.RunAsync(args).ConfigureAwait(false);
