using Lisoloo.Sdk;

namespace Lisoloo.Server.Api;

/// <summary>One field at fault: <c>{"field": "to[3]", "error_code": 1103, "message": "..."}</c>.</summary>
internal sealed record FieldError(string Field, int ErrorCode, string Message);

/// <summary>An error answer of the contract's envelope. Codes come from <see cref="LisolooErrorCodes"/>, the catalogue shared with the SDK.</summary>
internal sealed record ApiError(int Status, int ErrorCode, string Message, IReadOnlyList<FieldError>? Errors = null)
{
    /// <summary>Extra members of a <c>details</c> object (balance errors).</summary>
    public IReadOnlyDictionary<string, object>? Details { get; init; }

    /// <summary>Seconds for a <c>Retry-After</c> header.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiError Validation(IReadOnlyList<FieldError> errors) =>
        new(400, errors[0].ErrorCode, errors.Count == 1 ? errors[0].Message : $"{errors[0].Message} ({errors.Count} errors in all)", errors);

    public static ApiError Field(string field, int code, string message) => Validation([new FieldError(field, code, message)]);

    public static ApiError NotFound() => new(404, LisolooErrorCodes.MessageNotFound, "No message with this id.");
}

/// <summary>Thrown inside handlers to answer with an <see cref="ApiError"/>; mapped by the error middleware.</summary>
internal sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}

/// <summary>The server's errors of the catalogue that carry more than a code and a message.</summary>
internal static class Errors
{
    public static ApiError InsufficientBalance(long requiredMicros, long availableMicros, string currency) =>
        new(402, LisolooErrorCodes.InsufficientBalance,
            $"Insufficient balance: this send costs {Money.ToDecimal(requiredMicros).ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency}, the balance is {Money.ToDecimal(availableMicros).ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency}.")
        {
            Details = new Dictionary<string, object>
            {
                ["required_amount"] = Money.ToDecimal(requiredMicros),
                ["available_amount"] = Money.ToDecimal(availableMicros),
                ["currency"] = currency,
            },
        };

    public static ApiError Conflict(int code, string message) => new(409, code, message);

    /// <summary>An action refused by the lifecycle's rules: 404 when there is no such message (1401), else 409 (1402–1404).</summary>
    public static ApiError Refused(Lifecycle.SendActionRefusedException refusal) =>
        new(refusal.ErrorCode == LisolooErrorCodes.MessageNotFound ? 404 : 409, refusal.ErrorCode, refusal.Message);

    /// <summary>
    /// No carrier route covers these recipients (422, 1503), each named by its field: the send is refused whole and
    /// nothing is charged, so that a 201 always means every recipient will be tried.
    /// </summary>
    public static ApiError NotCovered(IReadOnlyList<(string Field, string Number)> uncovered) =>
        new(422, LisolooErrorCodes.DestinationNotCovered,
            uncovered.Count == 1 ? $"No carrier route covers {uncovered[0].Field}." : $"No carrier route covers {uncovered[0].Field} ({uncovered.Count} recipients in all).",
            [.. uncovered.Select(u => new FieldError(u.Field, LisolooErrorCodes.DestinationNotCovered, $"No carrier route covers {u.Number}."))]);

    /// <summary>The key is unknown or revoked (401, 1003).</summary>
    public static ApiError InvalidKey() => new(401, LisolooErrorCodes.InvalidApiKey, "The app-key is unknown or revoked.");
}
