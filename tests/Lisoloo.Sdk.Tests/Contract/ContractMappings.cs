using System.Text.Json.Nodes;
using Lisoloo.TestSupport;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>The stub mappings under <c>tests/contract/mappings</c>, read as JSON (a file holds one mapping or <c>{"mappings": [...]}</c>).</summary>
public static class ContractMappings
{
    private static readonly Lazy<IReadOnlyList<ContractMapping>> Loaded = new(Load);

    /// <summary>Gets every mapping, in file order.</summary>
    public static IReadOnlyList<ContractMapping> All => Loaded.Value;

    private static List<ContractMapping> Load()
    {
        var list = new List<ContractMapping>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.ContractMappingsDir, "*.json").Order(StringComparer.Ordinal))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))?.AsObject()
                ?? throw new InvalidOperationException(file + " is not a JSON object.");
            var name = Path.GetFileName(file);
            if (root["mappings"] is JsonArray many)
            {
                list.AddRange(many.Select(m => new ContractMapping(name, m!.AsObject())));
            }
            else
            {
                list.Add(new ContractMapping(name, root));
            }
        }

        return list;
    }
}

/// <summary>One stub mapping and the file it comes from.</summary>
public sealed record ContractMapping(string File, JsonObject Json)
{
    public string Name => (string?)Json["name"] ?? File;

    public JsonObject Request => Json["request"]!.AsObject();

    public JsonObject Response => Json["response"]!.AsObject();

    public string? Endpoint => (string?)Json["metadata"]?["lisoloo"]?["endpoint"];

    public string? Family => (string?)Json["metadata"]?["lisoloo"]?["family"];

    public string? Replay => (string?)Json["metadata"]?["lisoloo"]?["replay"];

    public override string ToString() => $"{File}: {Name}";
}
