namespace Lisoloo.TestSupport;

/// <summary>Paths inside the repository, found from the test's working directory.</summary>
public static class RepoPaths
{
    /// <summary>Gets the repository root (the folder holding Lisoloo.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the folder of the WireMock contract mappings.</summary>
    public static string ContractDir => Path.Combine(Root, "tests", "contract");

    /// <summary>Gets the folder of the WireMock stub mapping files (<c>tests/contract/mappings</c>).</summary>
    public static string ContractMappingsDir => Path.Combine(ContractDir, "mappings");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lisoloo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Lisoloo.sln not found above " + AppContext.BaseDirectory);
    }
}
