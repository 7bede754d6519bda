namespace Lisoloo.Server.Sending;

/// <summary>
/// A request the send rules refuse as the caller's mistake: a body that is not a JSON object, or fields at fault (each
/// with its catalogue code). Nothing was done. The API answers it 400 with every field error.
/// </summary>
internal sealed class RequestInvalidException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RequestInvalidException"/> class for a request without field errors (malformed JSON).</summary>
    public RequestInvalidException(int errorCode, string message)
        : base(message) => ErrorCode = errorCode;

    /// <summary>Initializes a new instance of the <see cref="RequestInvalidException"/> class for fields at fault; the first one gives the code.</summary>
    public RequestInvalidException(IReadOnlyList<FieldError> errors)
        : base(Summary(errors)) => (ErrorCode, Errors) = (errors[0].ErrorCode, errors);

    /// <summary>Gets the catalogue code: the first field error's, or the request's own.</summary>
    public int ErrorCode { get; }

    /// <summary>Gets the fields at fault, or null for a request refused whole.</summary>
    public IReadOnlyList<FieldError>? Errors { get; }

    /// <summary>The message of an answer with <paramref name="errors"/>: the first one's, and how many there are in all.</summary>
    public static string Summary(IReadOnlyList<FieldError> errors) =>
        errors.Count == 1 ? errors[0].Message : $"{errors[0].Message} ({errors.Count} errors in all)";
}
