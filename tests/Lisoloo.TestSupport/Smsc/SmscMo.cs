using System.Text.Json.Serialization;

namespace Lisoloo.TestSupport.Smsc;

/// <summary>A mobile-originated message for the test SMSC to send as deliver_sm (<see cref="NodeSmsc.SendMoAsync"/>).</summary>
public sealed class SmscMo
{
    /// <summary>Gets the sender, e.g. <c>+243990000123</c> (sent without the <c>+</c>, TON 1 / NPI 1).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the recipient, e.g. the short code <c>12345</c> (TON 0 / NPI 1).</summary>
    public required string Destination { get; init; }

    /// <summary>Gets the text.</summary>
    public required string Text { get; init; }

    /// <summary>Gets the encoding; <see cref="SmscMoEncoding.Gsm7"/> by default.</summary>
    public SmscMoEncoding Encoding { get; init; } = SmscMoEncoding.Gsm7;

    /// <summary>Gets how many parts to split the text into (evenly), or <see langword="null"/> to split only when it does not fit one.</summary>
    public int? Parts { get; init; }

    /// <summary>Gets how the parts are tied together; <see cref="SmscConcatenation.Udh8"/> by default.</summary>
    public SmscConcatenation Concatenation { get; init; } = SmscConcatenation.Udh8;

    /// <summary>Gets the concatenation reference number, or <see langword="null"/> for a random one.</summary>
    public int? Reference { get; init; }

    /// <summary>Gets source_addr_ton instead of the one the SMSC derives from <see cref="Source"/>.</summary>
    public int? SourceTon { get; init; }

    /// <summary>Gets source_addr_npi instead of the one the SMSC derives from <see cref="Source"/>.</summary>
    public int? SourceNpi { get; init; }

    /// <summary>Gets dest_addr_ton instead of the one the SMSC derives from <see cref="Destination"/>.</summary>
    public int? DestTon { get; init; }

    /// <summary>Gets dest_addr_npi instead of the one the SMSC derives from <see cref="Destination"/>.</summary>
    public int? DestNpi { get; init; }

    /// <summary>Gets how long the SMSC waits for every deliver_sm_resp; 10 s when <see langword="null"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    internal Dictionary<string, object> ToJson()
    {
        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["source"] = Source,
            ["destination"] = Destination,
            ["text"] = Text,
            ["encoding"] = Encoding switch
            {
                SmscMoEncoding.Gsm7 => "gsm7",
                SmscMoEncoding.Ucs2 => "ucs2",
                _ => throw new ArgumentOutOfRangeException(nameof(Encoding), Encoding, null),
            },
            ["concatenation"] = Concatenation switch
            {
                SmscConcatenation.Udh8 => "udh8",
                SmscConcatenation.Udh16 => "udh16",
                SmscConcatenation.Sar => "sar",
                _ => throw new ArgumentOutOfRangeException(nameof(Concatenation), Concatenation, null),
            },
        };
        Add(body, "parts", Parts);
        Add(body, "ref", Reference);
        Add(body, "source_ton", SourceTon);
        Add(body, "source_npi", SourceNpi);
        Add(body, "dest_ton", DestTon);
        Add(body, "dest_npi", DestNpi);
        Add(body, "timeoutMs", Timeout is { } timeout ? (int)timeout.TotalMilliseconds : null);
        return body;
    }

    private static void Add(Dictionary<string, object> body, string name, int? value)
    {
        if (value is { } v)
        {
            body[name] = v;
        }
    }
}

/// <summary>The data_coding of an MO.</summary>
public enum SmscMoEncoding
{
    /// <summary>data_coding 0: GSM 03.38 septets, one per octet (basic table and its extension).</summary>
    Gsm7,

    /// <summary>data_coding 8: UCS-2 (UTF-16 big-endian).</summary>
    Ucs2,
}

/// <summary>How the parts of a long MO are tied together.</summary>
public enum SmscConcatenation
{
    /// <summary>A UDH with IEI 0x00 (8-bit reference), esm_class 0x40.</summary>
    Udh8,

    /// <summary>A UDH with IEI 0x08 (16-bit reference), esm_class 0x40.</summary>
    Udh16,

    /// <summary>The SAR TLVs sar_msg_ref_num, sar_total_segments and sar_segment_seqnum.</summary>
    Sar,
}

/// <summary>What an SMSC-initiated request to every session came to (<see cref="NodeSmsc.EnquireAsync"/>, <see cref="NodeSmsc.UnbindAllAsync"/>).</summary>
public sealed class SmscPing
{
    /// <summary>Gets the number of sessions the request went to.</summary>
    [JsonPropertyName("sessions")]
    public int Sessions { get; init; }

    /// <summary>Gets the number of sessions that answered in time.</summary>
    [JsonPropertyName("answered")]
    public int Answered { get; init; }

    /// <summary>Gets a value indicating whether every session answered (true when there were none).</summary>
    [JsonIgnore]
    public bool AllAnswered => Answered == Sessions;
}
