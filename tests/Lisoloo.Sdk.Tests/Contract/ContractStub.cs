using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// WireMock.Net, in this process, on a free loopback port, loaded with every mapping under <c>tests/contract/mappings</c>
/// (WireMock.Net's own JSON format). Its request log shows what the client really put on the wire.
/// </summary>
public sealed class ContractStub : IDisposable
{
    private readonly WireMockServer _server;

    private ContractStub(WireMockServer server)
    {
        _server = server;
        BaseUrl = new Uri(server.Url! + "/");
    }

    /// <summary>Gets the stub's base URL (the SDK appends <c>api/v1/lisoloo/sms-api/</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the WireMock.Net server, for a fixture's own mappings in code.</summary>
    public WireMockServer Server => _server;

    /// <summary>Gets the number of mappings loaded.</summary>
    public int MappingCount => _server.MappingModels.Count();

    /// <summary>Starts a stub with every contract mapping.</summary>
    /// <returns>The running stub; dispose it to stop it.</returns>
    public static ContractStub Start()
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        try
        {
            foreach (var file in ContractMappings.Files)
            {
                server.WithMapping(File.ReadAllText(file));
            }

            return new ContractStub(server);
        }
        catch
        {
            server.Stop();
            server.Dispose();
            throw;
        }
    }

    /// <summary>Forgets the logged requests and puts every scenario back to its start.</summary>
    public void Reset()
    {
        _server.ResetLogEntries();
        _server.ResetScenarios();
    }

    /// <summary>Puts a scenario in a state (the health scenario's <c>store-down</c>, say).</summary>
    /// <param name="scenario">The scenario's name.</param>
    /// <param name="state">The state.</param>
    public void SetScenarioState(string scenario, string state) => _server.SetScenarioState(scenario, state);

    /// <summary>Gets the requests received since the last reset, oldest first.</summary>
    /// <returns>The requests, with the mapping that answered each.</returns>
    public IReadOnlyList<WireMockRequest> Requests() => [.. _server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(From)];

    /// <summary>Gets the requests that no mapping matched.</summary>
    /// <returns>The requests.</returns>
    public IReadOnlyList<WireMockRequest> UnmatchedRequests() => [.. Requests().Where(r => !r.WasMatched)];

    /// <inheritdoc />
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private static WireMockRequest From(ILogEntry entry)
    {
        var request = entry.RequestMessage;
        var mapping = entry.MappingTitle is { } title ? ContractMappings.ByTitle(title) : null;
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
        {
            headers[name] = [.. values];
        }

        return new WireMockRequest
        {
            Method = request.Method,
            Url = request.Path,
            Headers = headers,
            Body = request.Body ?? string.Empty,
            WasMatched = entry.MappingGuid is not null,
            StubName = entry.MappingTitle,
            Endpoint = mapping?.Endpoint,
            Family = mapping?.Family,
        };
    }
}
