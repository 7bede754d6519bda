namespace Lisoloo.Server.Api;

/// <summary>Thrown inside handlers to answer with an <see cref="ApiError"/>; mapped by the error middleware.</summary>
internal sealed class ApiErrorException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}
