namespace Lisoloo.Server.Lifecycle;

/// <summary>Exact money: integer micros in the store, <see cref="decimal"/> at the edge.</summary>
internal static class Money
{
    public const long MicrosPerUnit = 1_000_000;

    public static decimal ToDecimal(long micros) => Normalize(micros / (decimal)MicrosPerUnit);

    /// <summary>Micros for a decimal amount; <see langword="false"/> when it has more than six decimals or is out of range.</summary>
    public static bool TryToMicros(decimal amount, out long micros)
    {
        micros = 0;
        var scaled = amount * MicrosPerUnit;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue / 4 || scaled < long.MinValue / 4)
        {
            return false;
        }

        micros = (long)scaled;
        return true;
    }

    private static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
