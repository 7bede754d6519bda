using Lisoloo.Sdk;

namespace Lisoloo.Server.Sending;

/// <summary>The shape of a <c>message_id</c> in a path: 24 lowercase hexadecimal characters.</summary>
internal static class MessageIds
{
    /// <summary>Throws the 400 (1117 with the <c>message_id</c> field) of a malformed id.</summary>
    public static void Validate(string messageId)
    {
        if (messageId.Length != 24 || !messageId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            const string Message = "message_id must be 24 lowercase hexadecimal characters.";
            throw new RequestInvalidException([new FieldError("message_id", LisolooErrorCodes.InvalidMessageId, Message)]);
        }
    }
}
