using System.Globalization;
using Lisoloo.Sdk;

namespace Lisoloo.Server.Lifecycle;

/// <summary>The balance cannot cover the whole send, which is refused whole and charges nothing: 1201.</summary>
/// <param name="requiredMicros">What the send costs.</param>
/// <param name="availableMicros">The balance when it was checked.</param>
/// <param name="currency">The account's currency.</param>
internal sealed class InsufficientBalanceException(long requiredMicros, long availableMicros, string currency)
    : RefusedException(LisolooErrorCodes.InsufficientBalance,
        $"Insufficient balance: this send costs {Money.ToDecimal(requiredMicros).ToString(CultureInfo.InvariantCulture)} {currency}, the balance is {Money.ToDecimal(availableMicros).ToString(CultureInfo.InvariantCulture)} {currency}.")
{
    /// <summary>Gets what the send costs, in micros.</summary>
    public long RequiredMicros { get; } = requiredMicros;

    /// <summary>Gets the balance when it was checked, in micros.</summary>
    public long AvailableMicros { get; } = availableMicros;

    /// <summary>Gets the account's currency.</summary>
    public string Currency { get; } = currency;
}
