namespace Lisoloo.Sdk;

/// <summary>One field at fault in a rejected request, e.g. <c>to[3]</c> with error 1103.</summary>
public sealed record LisolooFieldError
{
    /// <summary>Gets the field's path in the request body, e.g. <c>to[3]</c> or <c>recurring_schedule.times[1]</c>.</summary>
    public string Field { get; init; } = string.Empty;

    /// <summary>Gets the catalogue code for this field (see <see cref="LisolooErrorCodes"/>).</summary>
    public int ErrorCode { get; init; }

    /// <summary>Gets the human explanation.</summary>
    public string Message { get; init; } = string.Empty;
}
