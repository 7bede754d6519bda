namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// A request the rules refuse, decided by the lifecycle or inside a store's transaction: a catalogue code and its text.
/// Nothing was written for it. The API decides how it is answered (status, envelope, details); storage knows no HTTP.
/// </summary>
internal abstract class RefusedException(int errorCode, string message) : Exception(message)
{
    /// <summary>Gets the catalogue code (<see cref="Lisoloo.Sdk.LisolooErrorCodes"/>).</summary>
    public int ErrorCode { get; } = errorCode;
}
