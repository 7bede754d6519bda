using System.Text.Json.Serialization;

namespace Lisoloo.TestSupport.Smsc;

/// <summary>A submit_sm the test SMSC accepted, as it arrived (<c>GET /messages</c>).</summary>
public sealed class SmscMessage
{
    /// <summary>Gets the message id the SMSC answered with.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    /// <summary>Gets source_addr.</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = string.Empty;

    /// <summary>Gets source_addr_ton.</summary>
    [JsonPropertyName("source_ton")]
    public int SourceTon { get; init; }

    /// <summary>Gets source_addr_npi.</summary>
    [JsonPropertyName("source_npi")]
    public int SourceNpi { get; init; }

    /// <summary>Gets destination_addr.</summary>
    [JsonPropertyName("destination")]
    public string Destination { get; init; } = string.Empty;

    /// <summary>Gets dest_addr_ton.</summary>
    [JsonPropertyName("dest_ton")]
    public int DestTon { get; init; }

    /// <summary>Gets dest_addr_npi.</summary>
    [JsonPropertyName("dest_npi")]
    public int DestNpi { get; init; }

    /// <summary>Gets data_coding.</summary>
    [JsonPropertyName("data_coding")]
    public int DataCoding { get; init; }

    /// <summary>Gets esm_class.</summary>
    [JsonPropertyName("esm_class")]
    public int EsmClass { get; init; }

    /// <summary>Gets registered_delivery.</summary>
    [JsonPropertyName("registered_delivery")]
    public int RegisteredDelivery { get; init; }

    /// <summary>Gets validity_period as sent (empty when none).</summary>
    [JsonPropertyName("validity_period")]
    public string ValidityPeriod { get; init; } = string.Empty;

    /// <summary>Gets schedule_delivery_time as sent (empty when none).</summary>
    [JsonPropertyName("schedule_delivery_time")]
    public string ScheduleDeliveryTime { get; init; } = string.Empty;

    /// <summary>Gets service_type.</summary>
    [JsonPropertyName("service_type")]
    public string ServiceType { get; init; } = string.Empty;

    /// <summary>Gets protocol_id.</summary>
    [JsonPropertyName("protocol_id")]
    public int ProtocolId { get; init; }

    /// <summary>Gets priority_flag.</summary>
    [JsonPropertyName("priority_flag")]
    public int PriorityFlag { get; init; }

    /// <summary>Gets short_message (UDH included) as upper-case hex.</summary>
    [JsonPropertyName("short_message_hex")]
    public string ShortMessageHex { get; init; } = string.Empty;

    /// <summary>Gets the message_payload TLV as upper-case hex, or <see langword="null"/> when absent.</summary>
    [JsonPropertyName("message_payload_hex")]
    public string? MessagePayloadHex { get; init; }

    /// <summary>Gets the concatenation UDH (IEI 0x00 or 0x08) when esm_class has UDHI and there is one.</summary>
    [JsonPropertyName("udh")]
    public SmscConcat? Udh { get; init; }

    /// <summary>Gets the SAR TLVs (0x020C, 0x020E, 0x020F) when present.</summary>
    [JsonPropertyName("sar")]
    public SmscConcat? Sar { get; init; }

    /// <summary>Gets the SMSC's id of the session it came on (see <see cref="SmscBind.Id"/>).</summary>
    [JsonPropertyName("session")]
    public int Session { get; init; }

    /// <summary>Gets short_message (UDH included) as octets.</summary>
    /// <returns>A new array.</returns>
    public byte[] GetShortMessage() => Convert.FromHexString(ShortMessageHex);
}

/// <summary>The concatenation fields of one part: from a UDH or from SAR TLVs.</summary>
public sealed class SmscConcat
{
    /// <summary>Gets the reference number shared by the parts.</summary>
    [JsonPropertyName("ref")]
    public int Ref { get; init; }

    /// <summary>Gets the number of parts.</summary>
    [JsonPropertyName("total")]
    public int Total { get; init; }

    /// <summary>Gets this part's number, from 1.</summary>
    [JsonPropertyName("seq")]
    public int Seq { get; init; }
}
