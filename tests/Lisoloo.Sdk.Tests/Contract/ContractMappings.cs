using System.Text.Json.Nodes;
using Lisoloo.TestSupport;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// The mappings under <c>tests/contract/mappings</c>, read as JSON: WireMock.Net's format, a file holding one mapping or
/// an array of them (a scenario's steps).
/// </summary>
public static class ContractMappings
{
    private static readonly Lazy<IReadOnlyList<ContractMapping>> Loaded = new(Load);

    /// <summary>Gets the mapping files, in name order.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [.. Directory.EnumerateFiles(RepoPaths.ContractMappingsDir, "*.json").Order(StringComparer.Ordinal)];

    /// <summary>Gets every mapping, in file order.</summary>
    public static IReadOnlyList<ContractMapping> All => Loaded.Value;

    /// <summary>Finds a mapping by its title.</summary>
    /// <param name="title">The <c>Title</c>.</param>
    /// <returns>The mapping, or <see langword="null"/>.</returns>
    public static ContractMapping? ByTitle(string title) => All.FirstOrDefault(m => m.Name == title);

    private static List<ContractMapping> Load()
    {
        var list = new List<ContractMapping>();
        foreach (var file in Files)
        {
            var root = JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidOperationException(file + " is empty.");
            var name = Path.GetFileName(file);
            if (root is JsonArray many)
            {
                list.AddRange(many.Select(m => new ContractMapping(name, m!.AsObject())));
            }
            else
            {
                list.Add(new ContractMapping(name, root.AsObject()));
            }
        }

        return list;
    }
}

/// <summary>One mapping and the file it comes from.</summary>
public sealed record ContractMapping(string File, JsonObject Json)
{
    public string Name => (string?)Json["Title"] ?? File;

    public JsonObject Request => Json["Request"]!.AsObject();

    public JsonObject Response => Json["Response"]!.AsObject();

    public string? Endpoint => (string?)Json["Data"]?["lisoloo"]?["endpoint"];

    public string? Family => (string?)Json["Data"]?["lisoloo"]?["family"];

    public string? Replay => (string?)Json["Data"]?["lisoloo"]?["replay"];

    /// <summary>Gets the method (every mapping names one).</summary>
    public string? Method => (string?)Request["Methods"]?[0];

    /// <summary>Gets the exact path the mapping matches.</summary>
    public string? Path => (string?)Request["Path"]?["Matchers"]?[0]?["Pattern"];

    /// <summary>Gets the first matcher of a request header, by name.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The matcher (<c>Name</c>, <c>Pattern</c>), or <see langword="null"/>.</returns>
    public JsonObject? HeaderMatcher(string name) => Request["Headers"]?.AsArray()
        .FirstOrDefault(h => string.Equals((string?)h!["Name"], name, StringComparison.OrdinalIgnoreCase))?["Matchers"]?[0]?.AsObject();

    public override string ToString() => $"{File}: {Name}";
}
