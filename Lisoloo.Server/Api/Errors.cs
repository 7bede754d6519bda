using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Sending;

namespace Lisoloo.Server.Api;

/// <summary>The server's errors of the catalogue that carry more than a code and a message.</summary>
internal static class Errors
{
    /// <summary>
    /// The answer to a refusal of the lifecycle's rules or of a store: the one place that gives each its HTTP status.
    /// 401 for a revoked key (1003), 402 with the amounts for a balance (1201), 404 for no such message (1401), 409 for
    /// an action the send's state refuses (1402–1404) or a reused idempotency key (1405).
    /// </summary>
    public static ApiError Refused(RefusedException refusal) => refusal switch
    {
        KeyRevokedException => new(401, refusal.ErrorCode, refusal.Message),
        InsufficientBalanceException balance => new(402, refusal.ErrorCode, refusal.Message)
        {
            Details = new Dictionary<string, object>
            {
                ["required_amount"] = Money.ToDecimal(balance.RequiredMicros),
                ["available_amount"] = Money.ToDecimal(balance.AvailableMicros),
                ["currency"] = balance.Currency,
            },
        },
        _ when refusal.ErrorCode == LisolooErrorCodes.MessageNotFound => new(404, refusal.ErrorCode, refusal.Message),
        _ => new(409, refusal.ErrorCode, refusal.Message),
    };

    /// <summary>
    /// No carrier route covers these recipients (422, 1503), each named by its field: the send is refused whole and
    /// nothing is charged, so that a 201 always means every recipient will be tried.
    /// </summary>
    public static ApiError NotCovered(IReadOnlyList<(string Field, string Number)> uncovered) =>
        new(422, LisolooErrorCodes.DestinationNotCovered,
            uncovered.Count == 1 ? $"No carrier route covers {uncovered[0].Field}." : $"No carrier route covers {uncovered[0].Field} ({uncovered.Count} recipients in all).",
            [.. uncovered.Select(u => new FieldError(u.Field, LisolooErrorCodes.DestinationNotCovered, $"No carrier route covers {u.Number}."))]);

    /// <summary>A request the send rules refuse as the caller's mistake (400): its field errors, or malformed JSON.</summary>
    public static ApiError Invalid(RequestInvalidException invalid) =>
        invalid.Errors is { } errors ? ApiError.Validation(errors) : new(400, invalid.ErrorCode, invalid.Message);

    /// <summary>The key is unknown or revoked (401, 1003).</summary>
    public static ApiError InvalidKey() => new(401, LisolooErrorCodes.InvalidApiKey, "The app-key is unknown or revoked.");
}
