namespace Lisoloo.Sdk.Testing;

/// <summary>Settings of a <see cref="LisolooMockServer"/>; copied when it starts.</summary>
public sealed class LisolooMockServerOptions
{
    /// <summary>
    /// Gets or sets the one key the mock accepts (<c>sk_test_…</c> or <c>sk_live_…</c>); a new test key when
    /// <see langword="null"/>. Any other well-formed key is answered 401 (error 1003), as an unknown key is.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the starting balance. Default 100. A send it cannot cover is answered 402 (error 1201).</summary>
    public decimal Balance { get; set; } = 100m;

    /// <summary>Gets or sets the price of one SMS segment to one recipient. Default 0.02.</summary>
    public decimal UnitPrice { get; set; } = 0.02m;

    /// <summary>Gets or sets the currency of the balance and prices. Default <c>USD</c>.</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Gets or sets the sender id used when a send names none. Default none.</summary>
    public string? DefaultSenderId { get; set; }

    /// <summary>Gets or sets the secret webhooks are signed with (<c>whsec_…</c>); a new one when <see langword="null"/>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Gets or sets the user of the Basic credentials webhooks carry; none when <see langword="null"/>.</summary>
    public string? WebhookUsername { get; set; }

    /// <summary>Gets or sets the password of the Basic credentials webhooks carry.</summary>
    public string? WebhookPassword { get; set; }

    /// <summary>
    /// Gets or sets the clock of the mock: schedules must be in its future, and the sandbox lifecycle advances with it.
    /// Pass a fake one (Microsoft.Extensions.TimeProvider.Testing) to step through a lifecycle without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets how long after hand-off an ordinary number is delivered. Default 1 s, as the sandbox.</summary>
    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long after hand-off +99900000005 is delivered. Default 30 s.</summary>
    public TimeSpan SlowDeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long after hand-off +99900000001–3 fail (undelivered, expired, rejected). Default 1 s.</summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the <c>POST /send</c> calls allowed per minute. Default 60; 0 for no limit.</summary>
    public int SendPerMinute { get; set; } = 60;

    /// <summary>Gets or sets the <c>GET /status</c> calls allowed per minute. Default 120; 0 for no limit.</summary>
    public int StatusPerMinute { get; set; } = 120;

    /// <summary>Gets or sets the <c>GET /balance</c> calls allowed per minute. Default 30; 0 for no limit.</summary>
    public int BalancePerMinute { get; set; } = 30;

    /// <summary>Gets or sets the <c>POST /calculate</c> calls allowed per minute. Default 30; 0 for no limit.</summary>
    public int CalculatePerMinute { get; set; } = 30;

    /// <summary>Gets or sets the cancel, pause and resume calls allowed per minute, together. Default 60; 0 for no limit.</summary>
    public int ActionsPerMinute { get; set; } = 60;

    internal LisolooMockServerOptions Clone() => (LisolooMockServerOptions)MemberwiseClone();
}
