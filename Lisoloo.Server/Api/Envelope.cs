using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Lisoloo.Sdk;

namespace Lisoloo.Server.Api;

/// <summary>Writes the contract's envelopes.</summary>
internal static class Envelope
{
    /// <summary>Relaxed escaping: <c>+</c> and non-ASCII text stay readable (bodies are JSON, never embedded in HTML).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"status_code": s, "data": {...}, "request_id": "..."}</c> as UTF-8 bytes.</summary>
    public static byte[] Success<T>(int status, T data, JsonTypeInfo<T> typeInfo, string? requestId)
    {
        var writer = RentWriter(out var buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("status_code"u8, status);
            writer.WritePropertyName("data"u8);
            JsonSerializer.Serialize(writer, data, typeInfo);
            if (requestId is not null)
            {
                writer.WriteString("request_id"u8, requestId);
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ReturnWriter(writer, buffer);
        }
    }

    /// <summary>The error envelope, with <c>errors</c> and <c>details</c> where present.</summary>
    public static byte[] Error(ApiError error, string? requestId)
    {
        var writer = RentWriter(out var buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteNumber("status_code"u8, error.Status);
            writer.WriteNumber("error_code"u8, error.ErrorCode);
            writer.WriteString("message"u8, error.Message);
            if (error.Errors is { Count: > 0 } errors)
            {
                writer.WriteStartArray("errors"u8);
                foreach (var e in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("field"u8, e.Field);
                    writer.WriteNumber("error_code"u8, e.ErrorCode);
                    writer.WriteString("message"u8, e.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (error.Details is { Count: > 0 } details)
            {
                writer.WriteStartObject("details"u8);
                foreach (var (name, value) in details)
                {
                    switch (value)
                    {
                        case decimal d: writer.WriteNumber(name, d); break;
                        case long l: writer.WriteNumber(name, l); break;
                        case int i: writer.WriteNumber(name, i); break;
                        default: writer.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
                    }
                }

                writer.WriteEndObject();
            }

            if (requestId is not null)
            {
                writer.WriteString("request_id"u8, requestId);
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ReturnWriter(writer, buffer);
        }
    }

    /// <summary>Buffers kept for reuse stay at most this large; a bigger body (a 1,000-recipient status) gets its own.</summary>
    private const int MaxCachedBuffer = 16 * 1024;

    // One writer and buffer per thread, as System.Text.Json caches its own (Utf8JsonWriterCache): a body is written in
    // one synchronous call, so a thread never needs two at once. Each envelope then allocates only its final array,
    // instead of a writer, a buffer and the buffer's regrowth (~2 KB per accept).
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private static Utf8JsonWriter RentWriter(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer ?? new ArrayBufferWriter<byte>(1024);
        var writer = t_writer;
        t_buffer = null;
        t_writer = null;
        if (writer is null)
        {
            return new Utf8JsonWriter(buffer, WriterOptions);
        }

        writer.Reset(buffer);
        return writer;
    }

    private static void ReturnWriter(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxCachedBuffer)
        {
            return;
        }

        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        t_buffer = buffer;
        t_writer = writer;
    }
}
