namespace Lisoloo.Server.Api;

/// <summary>Endpoint metadata helpers.</summary>
internal static class EndpointDocs
{
    /// <summary>
    /// Documents a JSON request body without <c>Accepts</c> metadata, which would make routing answer other media types
    /// itself (a bare 404/415) instead of the handler's error envelope (415/1121, 400/1101).
    /// </summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Declares the error envelope for each status, and the <c>Retry-After</c> header of 429 and 503.</summary>
    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<WireDocs.Error>(status);
        }

        return builder.RetryAfterHeaders();
    }

    /// <summary>Documents the <c>Retry-After</c> header on the operation's 429 and 503 responses.</summary>
    public static RouteHandlerBuilder RetryAfterHeaders(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var (status, text) in new[] { ("429", "Seconds until the key's rate-limit window resets."), ("503", "Seconds to wait before sending the same request again (nothing was done).") })
            {
                if (operation.Responses?.TryGetValue(status, out var response) == true && response is Microsoft.OpenApi.OpenApiResponse concrete)
                {
                    concrete.Headers ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>();
                    concrete.Headers["Retry-After"] = new Microsoft.OpenApi.OpenApiHeader
                    {
                        Description = text,
                        Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.Integer, Minimum = "1" },
                    };
                }
            }

            return Task.CompletedTask;
        });
}
