using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Lisoloo.Benchmarks -- --filter '*'
// dotnet run -c Release --project tests/Lisoloo.Benchmarks -- client-loop [calls] [plain|resilient] (SendAsync in a timed loop, three rounds)
// dotnet run -c Release --project tests/Lisoloo.Benchmarks -- store-cpu [rounds] (StoreBenchmarks: process CPU per message, not wall time)
// dotnet run -c Release --project tests/Lisoloo.Benchmarks -- e2e --target lisoloo … (the end-to-end load driver, E2e/E2eDriver.cs)
if (args.Length > 0 && args[0] == "e2e")
{
    return await Lisoloo.Benchmarks.E2e.E2eDriver.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "client-loop")
{
    return await Lisoloo.Benchmarks.ClientBenchmarks.RunLoopAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "store-cpu")
{
    return await Lisoloo.Benchmarks.StoreBenchmarks.RunCpuAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Lisoloo.Benchmarks.StoreBenchmarks).Assembly).Run(args);
return 0;
