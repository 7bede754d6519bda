using System.Text.Json;

namespace Lisoloo.TestSupport.WireMock;

/// <summary>One request from WireMock's journal: what the client really sent, and which stub answered it.</summary>
public sealed record WireMockRequest
{
    /// <summary>Gets the HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the path and query, e.g. <c>/api/v1/lisoloo/sms-api/send</c>.</summary>
    public required string Url { get; init; }

    /// <summary>Gets the headers, by case-insensitive name.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; }

    /// <summary>Gets the body as text (empty when there was none).</summary>
    public required string Body { get; init; }

    /// <summary>Gets a value indicating whether a stub matched the request.</summary>
    public bool WasMatched { get; init; }

    /// <summary>Gets the name of the stub that answered, when one matched.</summary>
    public string? StubName { get; init; }

    /// <summary>Gets <c>metadata.lisoloo.endpoint</c> of the stub that answered, when it has one.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets <c>metadata.lisoloo.family</c> of the stub that answered, when it has one.</summary>
    public string? Family { get; init; }

    /// <summary>Gets the first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name, any case.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Parses the body as JSON.</summary>
    /// <returns>The document; dispose it.</returns>
    public JsonDocument BodyJson() => JsonDocument.Parse(Body);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Url}{(StubName is null ? string.Empty : " → " + StubName)} {Body}";

    /// <summary>Reads a logged request (the <c>request</c> member of a serve event, or an unmatched request).</summary>
    internal static WireMockRequest Parse(JsonElement request, bool wasMatched, JsonElement stubMapping)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (request.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headerObject.EnumerateObject())
            {
                // One value is a string, several are an array.
                headers[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                    ? header.Value.EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToArray()
                    : [header.Value.GetString() ?? string.Empty];
            }
        }

        string? endpoint = null, family = null, stubName = null;
        if (stubMapping.ValueKind == JsonValueKind.Object)
        {
            stubName = stubMapping.TryGetProperty("name", out var name) ? name.GetString() : null;
            if (stubMapping.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("lisoloo", out var lisoloo))
            {
                endpoint = lisoloo.TryGetProperty("endpoint", out var e) ? e.GetString() : null;
                family = lisoloo.TryGetProperty("family", out var f) ? f.GetString() : null;
            }
        }

        return new WireMockRequest
        {
            Method = request.GetProperty("method").GetString() ?? string.Empty,
            Url = request.GetProperty("url").GetString() ?? string.Empty,
            Headers = headers,
            Body = request.TryGetProperty("body", out var body) ? body.GetString() ?? string.Empty : string.Empty,
            WasMatched = wasMatched,
            StubName = stubName,
            Endpoint = endpoint,
            Family = family,
        };
    }
}
