namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>A message text encoded for <c>submit_sm</c>: one PDU per part.</summary>
/// <param name="DataCoding">0x00 (SMSC default alphabet, GSM 03.38) or 0x08 (UCS-2, big-endian UTF-16).</param>
/// <param name="Udhi">True when the parts carry a user data header (multipart): set <c>esm_class</c> |= 0x40.</param>
/// <param name="Parts">The complete <c>short_message</c> octets of each <c>submit_sm</c>, header included, in order.</param>
internal sealed record EncodedSms(byte DataCoding, bool Udhi, IReadOnlyList<byte[]> Parts);
