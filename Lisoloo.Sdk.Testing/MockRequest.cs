namespace Lisoloo.Sdk.Testing;

/// <summary>One request the mock server received, whatever it answered, from WireMock.Net's request log.</summary>
public sealed record MockRequest
{
    /// <summary>Gets the HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the path, e.g. <c>/api/v1/lisoloo/sms-api/send</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the request headers by case-insensitive name (several values joined with commas).</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>Gets the body as text (empty when there was none).</summary>
    public required string Body { get; init; }

    /// <summary>Gets the HTTP status the mock answered.</summary>
    public required int Status { get; init; }

    /// <summary>Gets when the request arrived (UTC, the machine's clock).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Gets the first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name, any case.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} → {Status}";
}
