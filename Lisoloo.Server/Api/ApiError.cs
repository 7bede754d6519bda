using Lisoloo.Sdk;
using Lisoloo.Server.Sending;

namespace Lisoloo.Server.Api;

/// <summary>An error answer of the contract's envelope. Codes come from <see cref="LisolooErrorCodes"/>, the catalogue shared with the SDK.</summary>
internal sealed record ApiError(int Status, int ErrorCode, string Message, IReadOnlyList<FieldError>? Errors = null)
{
    /// <summary>Extra members of a <c>details</c> object (balance errors).</summary>
    public IReadOnlyDictionary<string, object>? Details { get; init; }

    /// <summary>Seconds for a <c>Retry-After</c> header.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiError Validation(IReadOnlyList<FieldError> errors) => new(400, errors[0].ErrorCode, RequestInvalidException.Summary(errors), errors);

    public static ApiError Field(string field, int code, string message) => Validation([new FieldError(field, code, message)]);

    public static ApiError NotFound() => new(404, LisolooErrorCodes.MessageNotFound, "No message with this id.");
}
