namespace Lisoloo.Server.Sending;

/// <summary>One field at fault: <c>{"field": "to[3]", "error_code": 1103, "message": "..."}</c>.</summary>
/// <param name="Field">The field, as the caller wrote it (<c>to[3]</c>, <c>schedule.days[0]</c>, a header's name).</param>
/// <param name="ErrorCode">Its catalogue code.</param>
/// <param name="Message">What is wrong with it.</param>
internal sealed record FieldError(string Field, int ErrorCode, string Message);
