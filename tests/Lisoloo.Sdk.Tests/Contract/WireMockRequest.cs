using System.Text.Json;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>One request from the stub's request log: what the client really sent, and which stub answered it.</summary>
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

    /// <summary>Gets <c>Data.lisoloo.endpoint</c> of the mapping that answered, when it has one.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets <c>Data.lisoloo.family</c> of the mapping that answered, when it has one.</summary>
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
}
