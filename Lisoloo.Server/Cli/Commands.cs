using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lisoloo.Server.Api;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Hosting;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Cli;

/// <summary>
/// The executable's verbs: <c>serve</c> (default) and the operator commands, each printing one JSON object on stdout.
/// Failures print one line on stderr, <c>{"error": "..."}</c>, never a stack trace: exit code 2 for a command line that
/// does not parse, 1 for everything else (a setting to fix, a refused operation, a store that cannot be opened).
/// </summary>
internal static class Commands
{
    /// <summary>The exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>The exit code of any other failure.</summary>
    public const int Failure = 1;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Lisoloo reference server: the v1 SMS API on embedded SQLite, and its operator commands.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, ct) => ServerHost.RunAsync([.. parse.UnmatchedTokens], ct));

        var serve = new Command("serve", "Run the HTTP server (the default). Extra arguments are ASP.NET Core configuration, e.g. --urls http://127.0.0.1:5080.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        serve.SetAction((parse, ct) => ServerHost.RunAsync([.. parse.UnmatchedTokens], ct));
        root.Subcommands.Add(serve);
        root.Subcommands.Add(KeysCommand());
        root.Subcommands.Add(BalanceCommand());
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One JSON line on stderr like every other failure (not the help text), with the usage exit code.
            await Console.Error.WriteLineAsync(Error(string.Join(" ", parsed.Errors.Select(e => e.Message)) + " See --help.")).ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A setting to fix (the validation message names it), a value that does not convert, a data folder or store
            // that cannot be opened: what to do, on one line; the stack trace would only hide it.
            await Console.Error.WriteLineAsync(Error(Describe(ex))).ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary>What went wrong, on one line: the settings' own messages, else the exception's.</summary>
    internal static string Describe(Exception exception) => exception switch
    {
        Microsoft.Extensions.Options.OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        _ => exception.Message.ReplaceLineEndings(" "),
    };

    private static Command KeysCommand()
    {
        var merchant = new Option<string>("--merchant") { Description = "Merchant name (created when new).", Required = true };
        var env = new Option<string>("--env") { Description = "test or live.", Required = true };
        var balance = new Option<decimal>("--balance") { Description = "Opening balance of a new account.", DefaultValueFactory = _ => 0m };
        var unitPrice = new Option<decimal>("--unit-price") { Description = "Price of one SMS segment for a new account.", DefaultValueFactory = _ => 0.02m };
        var currency = new Option<string>("--currency") { Description = "ISO 4217 currency of a new account.", DefaultValueFactory = _ => "USD" };
        var webhookUrl = new Option<string?>("--webhook-url") { Description = "Where this key's events are POSTed." };
        var webhookUser = new Option<string?>("--webhook-user") { Description = "HTTP Basic user for webhook deliveries." };
        var webhookPassword = new Option<string?>("--webhook-password") { Description = "HTTP Basic password for webhook deliveries (stored encrypted)." };
        var webhookEvents = new Option<string?>("--webhook-events") { Description = "Comma-separated event types to deliver (default: all)." };
        var senderId = new Option<string?>("--sender-id") { Description = "Default sender id of this key's sends." };
        var sendPerMinute = new Option<int?>("--send-per-minute") { Description = "This key's POST /send limit per minute." };
        var create = new Command("create", "Create an API key; prints the key and its webhook secret once.")
        {
            merchant, env, balance, unitPrice, currency, webhookUrl, webhookUser, webhookPassword, webhookEvents, senderId, sendPerMinute,
        };
        create.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var issued = await sp.GetRequiredService<KeyIssuer>().CreateAsync(new KeyRequest(
                parse.GetValue(merchant)!, parse.GetValue(env)!, parse.GetValue(balance), parse.GetValue(unitPrice), parse.GetValue(currency)!,
                parse.GetValue(webhookUrl), parse.GetValue(webhookUser), parse.GetValue(webhookPassword), parse.GetValue(webhookEvents),
                parse.GetValue(senderId), parse.GetValue(sendPerMinute)), ct).ConfigureAwait(false);
            return Json(w =>
            {
                w.WriteString("api_key", issued.ApiKey);
                w.WriteNumber("key_id", issued.KeyId);
                w.WriteString("merchant", issued.Merchant);
                w.WriteString("environment", issued.Environment);
                w.WriteString("prefix", issued.Prefix);
                w.WriteString("webhook_secret", issued.WebhookSecret);
            });
        }));

        var list = new Command("list", "List keys (never secrets).");
        list.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var keys = await store.ListKeysAsync(ct).ConfigureAwait(false);
            return Json(w =>
            {
                w.WriteStartArray("keys");
                foreach (var k in keys)
                {
                    w.WriteStartObject();
                    w.WriteNumber("key_id", k.KeyId);
                    w.WriteString("merchant", k.Merchant);
                    w.WriteString("environment", k.Environment);
                    w.WriteString("prefix", k.Prefix);
                    w.WriteString("created_at", Iso(k.CreatedAt));
                    WriteOptional(w, "revoked_at", k.RevokedAt is { } r ? Iso(r) : null);
                    WriteOptional(w, "webhook_url", k.WebhookUrl);
                    WriteOptional(w, "webhook_events", k.WebhookEvents);
                    WriteOptional(w, "webhook_disabled_at", k.WebhookDisabledAt is { } d ? Iso(d) : null);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }));

        var keyId = new Option<long>("--key-id") { Description = "The key's id (from keys list).", Required = true };
        var revoke = new Command("revoke", "Revoke a key at once.") { keyId };
        revoke.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var id = parse.GetValue(keyId);
            if (!await store.RevokeKeyAsync(id, ct).ConfigureAwait(false))
            {
                throw new ArgumentException($"No active key with id {id}.");
            }

            return Json(w =>
            {
                w.WriteNumber("key_id", id);
                w.WriteBoolean("revoked", true);
            });
        }));

        var rotateKeyId = new Option<long>("--key-id") { Description = "The key's id (from keys list).", Required = true };
        var overlapHours = new Option<double>("--overlap-hours") { Description = "How long the old secret keeps signing beside the new one (0–720, default 24).", DefaultValueFactory = _ => 24 };
        var rotate = new Command("rotate-webhook-secret", "Give a key a new webhook secret (printed once); the old one also signs during the overlap.") { rotateKeyId, overlapHours };
        rotate.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var id = parse.GetValue(rotateKeyId);
            var hours = parse.GetValue(overlapHours);
            var clock = sp.GetRequiredService<TimeProvider>();
            var secret = await sp.GetRequiredService<KeyIssuer>().RotateWebhookSecretAsync(id, TimeSpan.FromHours(hours), clock, ct).ConfigureAwait(false);
            return Json(w =>
            {
                w.WriteNumber("key_id", id);
                w.WriteString("webhook_secret", secret);
                w.WriteString("previous_secret_valid_until", clock.GetUtcNow().AddHours(hours).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            });
        }));

        return new Command("keys", "Create, list, revoke API keys and rotate their webhook secrets.") { create, list, revoke, rotate };
    }

    private static Command BalanceCommand()
    {
        var merchant = new Option<string>("--merchant") { Description = "Merchant name.", Required = true };
        var env = new Option<string>("--env") { Description = "test or live.", Required = true };
        var show = new Command("show", "Show an account's balance.") { merchant, env };
        show.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var b = await store.GetBalanceAsync(parse.GetValue(merchant)!, parse.GetValue(env)!, ct).ConfigureAwait(false)
                ?? throw new ArgumentException("No such account.");
            return BalanceJson(b);
        }));

        var amount = new Option<decimal>("--amount") { Description = "Amount to add.", Required = true };
        var topup = new Command("topup", "Add credit (a ledger top-up).") { merchant, env, amount };
        topup.SetAction((parse, ct) => WithStoreAsync(async (sp, store) =>
        {
            var value = parse.GetValue(amount);
            if (value <= 0 || !Money.TryToMicros(value, out var micros))
            {
                throw new ArgumentException("--amount must be positive with at most 6 decimals.");
            }

            var b = await store.TopUpAsync(parse.GetValue(merchant)!, parse.GetValue(env)!, micros, ct).ConfigureAwait(false)
                ?? throw new ArgumentException("No such account.");
            return BalanceJson(b);
        }));

        return new Command("balance", "Show and top up balances.") { show, topup };
    }

    private static string BalanceJson(AccountBalance b) => Json(w =>
    {
        w.WriteString("merchant", b.Merchant);
        w.WriteString("environment", b.Environment);
        w.WriteNumber("balance", Money.ToDecimal(b.BalanceMicros));
        w.WriteNumber("reserved", Money.ToDecimal(b.ReservedMicros));
        w.WriteNumber("unit_price", Money.ToDecimal(b.UnitPriceMicros));
        w.WriteString("currency", b.Currency);
    });

    private static async Task<int> WithStoreAsync(Func<IServiceProvider, ILisolooStore, Task<string>> action)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddLisolooStore(builder.Configuration);
        await using var app = builder.Build();
        try
        {
            var json = await action(app.Services, app.Services.GetRequiredService<ILisolooStore>()).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(json).ConfigureAwait(false);
            return 0;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(Error(ex.Message)).ConfigureAwait(false);
            return Failure;
        }
    }

    /// <summary><c>{"error": "..."}</c> on one line.</summary>
    private static string Error(string message) => Json(w => w.WriteString("error", message), indented: false);

    private static string Json(Action<Utf8JsonWriter> body, bool indented = true)
    {
        using var stream = new MemoryStream();
        // Relaxed escaping: a terminal shows ' and … as they are, and nothing here is embedded in HTML.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
