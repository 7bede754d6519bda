namespace Lisoloo.Server.Configuration;

/// <summary>Refuses unusable store settings when the options are first read (at start), with the setting's name.</summary>
internal sealed class StoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ServerOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var problems = options.Store.Problems().ToList();
        if (options.Store.IsPostgres && string.IsNullOrWhiteSpace(options.MasterKey))
        {
            // A master.key generated per node would leave each node unable to decrypt the webhook secrets the others stored.
            problems.Add("Lisoloo:MasterKey is required with Lisoloo:Store:Provider=postgres: every node must decrypt the webhook secrets any node stored (base64 of 32 bytes, the same on every node).");
        }

        return problems.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
