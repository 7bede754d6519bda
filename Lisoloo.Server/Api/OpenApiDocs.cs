using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lisoloo.Sdk;
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
                    Description = "Bulk SMS: immediate, scheduled and recurring sends, status, balance, webhooks. Every endpoint but /health needs the app-key header. Errors use one envelope and the catalogue in docs/server.md.",
                };
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["app-key"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "app-key", Description = "sk_test_… or sk_live_…" },
                };
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, context, _) =>
            {
                var type = context.JsonTypeInfo.Type;
                string[]? values = type == typeof(SmsStatus) || type == typeof(SmsStatus?) ? [.. SmsStatus.All]
                    : type == typeof(SendingType) || type == typeof(SendingType?) ? ["immediate", "scheduled", "recurring"]
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
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi.json", "Lisoloo SMS API v1");
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Lisoloo SMS API";
        });
        return app;
    }
}

/// <summary>Documentation shapes of the wire (the handlers parse bodies field by field, see <c>SendParser</c>).</summary>
internal static class WireDocs
{
    /// <summary>The body of <c>POST /send</c>.</summary>
    internal sealed record SendBody(
        [property: JsonPropertyName("to")] IReadOnlyList<string> To,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("sender_id")] string? SenderId,
        [property: JsonPropertyName("sending_type")] SendingType? SendingType,
        [property: JsonPropertyName("callback_url")] string? CallbackUrl,
        [property: JsonPropertyName("cancel_within")] int? CancelWithin,
        [property: JsonPropertyName("timezone")] string? TimeZone,
        [property: JsonPropertyName("scheduled_dates")] IReadOnlyList<ScheduledDateBody>? ScheduledDates,
        [property: JsonPropertyName("recurring_schedule")] RecurringBody? RecurringSchedule);

    /// <summary>One scheduled date.</summary>
    internal sealed record ScheduledDateBody(
        [property: JsonPropertyName("date")] string Date,
        [property: JsonPropertyName("time")] string Time,
        [property: JsonPropertyName("timezone")] string? TimeZone);

    /// <summary>A recurring schedule.</summary>
    internal sealed record RecurringBody(
        [property: JsonPropertyName("start_date")] string StartDate,
        [property: JsonPropertyName("end_date")] string EndDate,
        [property: JsonPropertyName("frequency")] RecurrenceFrequency Frequency,
        [property: JsonPropertyName("interval")] int? Interval,
        [property: JsonPropertyName("times")] IReadOnlyList<string> Times,
        [property: JsonPropertyName("days_of_week")] IReadOnlyList<string>? DaysOfWeek,
        [property: JsonPropertyName("timezone")] string? TimeZone);

    /// <summary>The body of <c>POST /calculate</c>: a budget, or a would-be send.</summary>
    internal sealed record CalculateBody(
        [property: JsonPropertyName("budget")] decimal? Budget,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("to")] IReadOnlyList<string>? To,
        [property: JsonPropertyName("sender_id")] string? SenderId,
        [property: JsonPropertyName("sending_type")] SendingType? SendingType,
        [property: JsonPropertyName("scheduled_dates")] IReadOnlyList<ScheduledDateBody>? ScheduledDates,
        [property: JsonPropertyName("recurring_schedule")] RecurringBody? RecurringSchedule);

    /// <summary>The success envelope.</summary>
    internal sealed record Success<T>(
        [property: JsonPropertyName("status_code")] int StatusCode,
        [property: JsonPropertyName("data")] T Data,
        [property: JsonPropertyName("request_id")] string RequestId);

    /// <summary>The error envelope.</summary>
    internal sealed record Error(
        [property: JsonPropertyName("status_code")] int StatusCode,
        [property: JsonPropertyName("error_code")] int ErrorCode,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("errors")] IReadOnlyList<FieldErrorBody>? Errors,
        [property: JsonPropertyName("details")] Dictionary<string, JsonNode>? Details,
        [property: JsonPropertyName("request_id")] string RequestId);

    /// <summary>One field at fault.</summary>
    internal sealed record FieldErrorBody(
        [property: JsonPropertyName("field")] string Field,
        [property: JsonPropertyName("error_code")] int ErrorCode,
        [property: JsonPropertyName("message")] string Message);
}
