using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Lisoloo.Server.Tests")]
