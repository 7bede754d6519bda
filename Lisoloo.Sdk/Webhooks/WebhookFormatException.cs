namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// Thrown when a webhook body is not a well-formed Lisoloo event: not JSON, not an object,
/// a field of the wrong type, or no <c>id</c> or <c>type</c>.
/// </summary>
public sealed class WebhookFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookFormatException()
        : base("The webhook body is not a well-formed Lisoloo event.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong with the body.</param>
    public WebhookFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What is wrong with the body.</param>
    /// <param name="innerException">The underlying error, typically a <see cref="System.Text.Json.JsonException"/>.</param>
    public WebhookFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
