using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lisoloo.Server.Tests")]
[assembly: InternalsVisibleTo("Lisoloo.Benchmarks")]
