using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Lisoloo.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
