using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Lisoloo.Server.Api;

/// <summary>
/// The OpenAPI 3.1 document, generated from the endpoints' metadata (<see cref="SmsApi.Map"/>), served at
/// <c>/openapi.json</c> and <c>/openapi.yaml</c>, browsable at <c>/docs</c>, and checked into <c>docs/openapi.yaml</c>
/// (a test keeps the two identical).
/// </summary>
internal static class OpenApiDocs
{
    public static IServiceCollection AddLisolooOpenApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenApi("v1", o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Lisoloo SMS API",
                    Version = "v1",
                    Description = "Bulk SMS: immediate, scheduled and recurring sends, status, balance, webhooks. Every endpoint but /health needs the app-key header. Errors use one envelope and the catalogue in docs/server.md; the contract is docs/contract.md.",
                    License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
                };
                document.Servers =
                [
                    new OpenApiServer { Url = "https://apps.api.bloonio.com", Description = "The hosted Lisoloo API" },
                    new OpenApiServer { Url = "http://127.0.0.1:5080", Description = "The reference server on its defaults (dotnet run --project Lisoloo.Server)" },
                ];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["app-key"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "app-key", Description = "sk_test_… or sk_live_…" },
                };

                // Every operation needs the key, but /health (an empty requirement list lifts the document's).
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("app-key", document)] = [] }];
                foreach (var (path, item) in document.Paths)
                {
                    if (path.EndsWith("/health", StringComparison.Ordinal))
                    {
                        foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                        {
                            operation.Security = [];
                        }
                    }
                }

                document.Tags = new HashSet<OpenApiTag> { new() { Name = "SMS", Description = "The v1 endpoints: sends, status, balance, prices, health, and actions on a send." } };
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, context, _) =>
            {
                var type = context.JsonTypeInfo.Type;
                if (type == typeof(WireDocs.Recipients) || type == typeof(WireDocs.Recipients?))
                {
                    // One number may be sent as a bare string.
                    schema.Type = null;
                    schema.Properties?.Clear();
                    schema.OneOf =
                    [
                        new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String }, MinItems = 1, MaxItems = 1000, Description = "1 to 1,000 phone numbers (E.164 after normalisation)" },
                        new OpenApiSchema { Type = JsonSchemaType.String, Description = "one phone number" },
                    ];
                    return Task.CompletedTask;
                }

                string[]? values = type == typeof(SmsStatus) || type == typeof(SmsStatus?) ? [.. SmsStatus.All]
                    : type == typeof(WireDocs.RequestedSendingType) || type == typeof(WireDocs.RequestedSendingType?) ? [SendingTypes.Immediate, "instant", SendingTypes.Scheduled, SendingTypes.Recurring]
                    : type == typeof(SendingType) || type == typeof(SendingType?) ? [SendingTypes.Immediate, SendingTypes.Scheduled, SendingTypes.Recurring]
                    : type == typeof(SmsEncoding) || type == typeof(SmsEncoding?) ? ["gsm7", "ucs2"]
                    : type == typeof(RecurrenceFrequency) || type == typeof(RecurrenceFrequency?) ? ["daily", "weekly", "monthly", "yearly"]
                    : null;
                if (values is not null)
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Properties?.Clear();
                    schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)];
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static WebApplication MapLisolooOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi.json");
        app.MapOpenApi("/openapi.yaml");
        // The explorer's middleware only sees /docs: in the main pipeline it would run (and await) on every API request.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/docs", StringComparison.OrdinalIgnoreCase), docs => docs.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi.json", "Lisoloo SMS API v1");
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Lisoloo SMS API";
        }));
        return app;
    }
}
