using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Carriers;

/// <summary>Which carrier serves which environment: test keys never reach a live route.</summary>
internal sealed class CarrierRouter(IEnumerable<ICarrier> carriers, Microsoft.Extensions.Options.IOptions<Configuration.ServerOptions> options)
{
    private readonly Dictionary<string, ICarrier> _byName = carriers.Where(c => c.IsConfigured).ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Every registered carrier.</summary>
    public IEnumerable<ICarrier> All => _byName.Values;

    /// <summary>The carrier for an environment: the sandbox for <c>test</c>, the configured live route for <c>live</c> (null when none is configured).</summary>
    public ICarrier? For(string environment) => ForCore(environment);

    /// <summary>The environment's carrier when it is ready and submits in process (see <see cref="IInlineCarrier"/>).</summary>
    public IInlineCarrier? InlineFor(string environment) => ForCore(environment) is { IsReady: true } carrier && carrier is IInlineCarrier inline ? inline : null;

    private ICarrier? ForCore(string environment) =>
        environment == "test"
            ? _byName.GetValueOrDefault("sandbox")
            : _byName.GetValueOrDefault(options.Value.EffectiveLiveCarrier ?? string.Empty);
}
