using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lisoloo.Sdk;
using Lisoloo.Server.Api;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>
/// The store contract, the same on every provider: money, idempotency, states, claims and leases, receipts and events.
/// "Nodes" are separate store instances on one database (separate pools and accept loops on PostgreSQL; the single
/// store on SQLite, which is one node by design), so what must hold across nodes is tested where it can fail.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class StoreContractTests(StoreKind kind)
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private FakeTimeProvider _clock = null!;
    private TestStores _stores = null!;
    private ILisolooStore _store = null!;

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    [SetUp]
    public async Task OpenAsync()
    {
        _clock = new FakeTimeProvider(Start);
        _stores = await TestStores.CreateAsync(kind, _clock);
        _store = await _stores.OpenNodeAsync();
    }

    [TearDown]
    public async Task CloseAsync()
    {
        if (_stores is not null)
        {
            await _stores.DisposeAsync();
        }
    }

    [Test]
    public async Task Keys_are_found_by_hash_listed_without_secrets_and_revoked_at_once()
    {
        Assert.That(await _store.AnyKeyAsync(), Is.False);
        var (key, hash) = await CreateKeyAsync("keys", balance: 1_000_000);
        Assert.Multiple(async () =>
        {
            Assert.That(await _store.AnyKeyAsync(), Is.True);
            Assert.That((await _store.FindKeyAsync(hash))!.Merchant, Is.EqualTo("keys"));
            Assert.That((await _store.FindKeyCachedAsync(hash))!.KeyId, Is.EqualTo(key.KeyId));
            Assert.That(await _store.FindKeyAsync(SHA256.HashData("unknown"u8.ToArray())), Is.Null);
            Assert.That((await _store.ListKeysAsync()).Single().Prefix, Is.EqualTo("sk_test_keys"));
        });

        Assert.That(await _store.RevokeKeyAsync(key.KeyId), Is.True);
        Assert.That(await _store.RevokeKeyAsync(key.KeyId), Is.False, "already revoked");
        Assert.That(await _store.FindKeyAsync(hash), Is.Null);
        Assert.That((await _store.ListKeysAsync()).Single().RevokedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task Accept_reserves_the_cost_writes_pending_deliveries_and_the_ledger_agrees()
    {
        var (key, _) = await CreateKeyAsync("accept", balance: 1_000_000);
        var send = Immediate(key, "+14155550100", "+14155550101");
        var outcome = await _store.AcceptSendAsync(key, send, null, Response("a"));

        Assert.That((outcome.Response.Status, outcome.Replayed), Is.EqualTo((201, false)));
        var view = (await _store.GetSendAsync(send.MessageId, key.AccountId))!;
        var balance = (await _store.GetBalanceAsync(key.AccountId))!;
        Assert.Multiple(async () =>
        {
            Assert.That(view.Deliveries.Select(d => (d.Recipient, d.State)), Is.EqualTo(new[] { ("+14155550100", "pending"), ("+14155550101", "pending") }));
            Assert.That(view.TotalCostMicros, Is.EqualTo(40_000));
            Assert.That((balance.BalanceMicros, balance.ReservedMicros), Is.EqualTo((960_000L, 40_000L)));
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((960_000L, 40_000L)));
            Assert.That(await _store.CountPendingDeliveriesAsync(), Is.EqualTo(2));
            Assert.That(await _store.GetSendAsync(send.MessageId, key.AccountId + 1000), Is.Null, "another account never sees it");
        });
    }

    [Test]
    public async Task Insufficient_balance_refuses_the_whole_send_and_writes_nothing()
    {
        var (key, _) = await CreateKeyAsync("poor", balance: 30_000);
        var send = Immediate(key, "+14155550100", "+14155550101");
        var error = Assert.ThrowsAsync<InsufficientBalanceException>(() => _store.AcceptSendAsync(key, send, new IdempotencyRequest("k", Hash("x")), Response("x")));

        Assert.That((error!.ErrorCode, error.RequiredMicros, error.AvailableMicros), Is.EqualTo((LisolooErrorCodes.InsufficientBalance, 40_000L, 30_000L)));
        Assert.That(await _store.GetSendAsync(send.MessageId, key.AccountId), Is.Null);
        Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((30_000L, 0L)));

        await _store.TopUpAsync("poor", "test", 100_000);
        var retried = await _store.AcceptSendAsync(key, Immediate(key, "+14155550100", "+14155550101"), new IdempotencyRequest("k", Hash("x")), Response("x"));
        Assert.That(retried.Replayed, Is.False, "a refused accept left no idempotency record");
    }

    [Test]
    public async Task Idempotency_replays_the_same_body_and_refuses_another()
    {
        var (key, _) = await CreateKeyAsync("idem", balance: 1_000_000);
        var first = await _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), new IdempotencyRequest("k1", Hash("body")), Response("first"));
        var again = await _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), new IdempotencyRequest("k1", Hash("body")), Response("second"));
        var other = Assert.ThrowsAsync<IdempotencyKeyReusedException>(() =>
            _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), new IdempotencyRequest("k1", Hash("other body")), Response("third")));

        Assert.Multiple(async () =>
        {
            Assert.That(again.Replayed, Is.True);
            Assert.That(again.Response.Body, Is.EqualTo(first.Response.Body));
            Assert.That(other!.ErrorCode, Is.EqualTo(LisolooErrorCodes.IdempotencyKeyReused));
            Assert.That((await _store.GetBalanceAsync(key.AccountId))!.BalanceMicros, Is.EqualTo(980_000), "charged once");
        });

        _clock.Advance(Idempotency.Retention + TimeSpan.FromSeconds(1));
        Assert.That((await _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), new IdempotencyRequest("k1", Hash("body")), Response("later"))).Replayed,
            Is.False, "after the retention the key is new again");
        Assert.That(await _store.PurgeIdempotencyAsync(), Is.Zero, "the record was replaced, not kept twice");
    }

    [Test]
    public async Task A_key_revoked_after_it_was_cached_is_refused_by_the_accept_itself()
    {
        var (key, hash) = await CreateKeyAsync("revoked", balance: 1_000_000);
        var cached = (await _store.FindKeyCachedAsync(hash))!;
        await _store.RevokeKeyAsync(key.KeyId);

        var error = Assert.ThrowsAsync<KeyRevokedException>(() => _store.AcceptSendAsync(cached, Immediate(cached, "+14155550100"), null, Response("r")));
        Assert.That(error!.ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidApiKey));
        Assert.That((await _store.GetBalanceAsync(key.AccountId))!.BalanceMicros, Is.EqualTo(1_000_000));
    }

    [Test]
    public async Task Scheduled_occurrences_are_released_once_when_due_and_cancel_refunds_the_rest()
    {
        var (key, _) = await CreateKeyAsync("sched", balance: 1_000_000);
        var at1 = Now + 60_000;
        var at2 = Now + 120_000;
        var send = new NewSend(NewMessageId(), "scheduled", "Hello", null, "gsm7", 1, ["+14155550100", "+14155550101"], [at1, at2], 80_000, null, null, null, 0);
        await _store.AcceptSendAsync(key, send, null, Response("s"));
        var other = await _stores.OpenNodeAsync();

        Assert.That(await _store.NextScheduledAtAsync(), Is.EqualTo(at1));
        Assert.That(await _store.ReleaseDueOccurrencesAsync(10), Is.Zero, "not due yet");
        _clock.Advance(TimeSpan.FromSeconds(61));
        var released = await Task.WhenAll(_store.ReleaseDueOccurrencesAsync(10), other.ReleaseDueOccurrencesAsync(10));
        Assert.That(released.Sum(), Is.EqualTo(1), "released once, whichever node claims it");
        Assert.That(await _store.CountPendingDeliveriesAsync(), Is.EqualTo(2));
        Assert.That(await _store.NextScheduledAtAsync(), Is.EqualTo(at2));

        var cancelled = await _store.CancelAsync(send.MessageId, key.AccountId, key.KeyId, null, o => new(200, Encoding.UTF8.GetBytes($"{o.Status}:{o.RefundedMessages}:{o.RefundedMicros}")));
        Assert.That(Encoding.UTF8.GetString(cancelled.Response.Body), Is.EqualTo("cancelled:4:80000"), "two pending deliveries and the second occurrence's two");
        Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((1_000_000L, 0L)));
    }

    [Test]
    public async Task Pause_holds_the_occurrences_and_resume_skips_and_refunds_what_passed()
    {
        var (key, _) = await CreateKeyAsync("pause", balance: 1_000_000);
        var send = new NewSend(NewMessageId(), "recurring", "Hello", null, "gsm7", 1, ["+14155550100"], [Now + 60_000, Now + 3_600_000], 40_000, null, null, null, 0);
        await _store.AcceptSendAsync(key, send, null, Response("p"));
        static RecordedResponse Render(ActionOutcome o) => new(200, Encoding.UTF8.GetBytes($"{o.Status}:{o.RefundedMicros}:{o.SkippedOccurrences}"));

        await _store.PauseAsync(send.MessageId, key.AccountId, key.KeyId, null, Render);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.That(await _store.ReleaseDueOccurrencesAsync(10), Is.Zero, "paused occurrences are not released");
        var conflict = Assert.ThrowsAsync<SendActionRefusedException>(() => _store.PauseAsync(send.MessageId, key.AccountId, key.KeyId, null, Render));
        Assert.That((conflict!.ErrorCode, conflict.Message), Is.EqualTo((LisolooErrorCodes.CannotPause, "A paused send cannot be paused.")), "the lifecycle's refusal: no HTTP in the store");

        var resumed = await _store.ResumeAsync(send.MessageId, key.AccountId, key.KeyId, new IdempotencyRequest("r", Hash("resume")), Render);
        var replay = await _store.ResumeAsync(send.MessageId, key.AccountId, key.KeyId, new IdempotencyRequest("r", Hash("resume")), Render);
        Assert.Multiple(async () =>
        {
            Assert.That(Encoding.UTF8.GetString(resumed.Response.Body), Is.EqualTo("scheduled:20000:1"));
            Assert.That(replay.Replayed, Is.True);
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((980_000L, 20_000L)));
            Assert.That((await _store.GetSendAsync(send.MessageId, key.AccountId))!.Occurrences.Select(o => o.State), Is.EqualTo(new[] { "skipped", "scheduled" }));
        });
    }

    [Test]
    public async Task A_delivery_whose_lease_ends_is_claimed_by_another_node_and_the_first_answer_wins()
    {
        var (key, _) = await CreateKeyAsync("lease", balance: 1_000_000, environment: "live");
        var send = Immediate(key, "+14155550100");
        await _store.AcceptSendAsync(key, send, null, Response("l"));
        var other = await _stores.OpenNodeAsync();

        var first = await _store.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        Assert.That(first.ToSubmit, Has.Count.EqualTo(1));
        Assert.That((await other.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay)).Claimed, Is.Zero, "leased");

        _clock.Advance(Lease + TimeSpan.FromSeconds(1)); // the first node died without answering
        var second = await other.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        Assert.That(second.ToSubmit.Single().DeliveryId, Is.EqualTo(first.ToSubmit[0].DeliveryId));

        var id = second.ToSubmit[0].DeliveryId;
        await other.ApplySubmitResultsAsync(second.ToSubmit, [new SubmitResult(id, true, "ref-2", null, null, null, 0)], "smpp", RetryDelay);
        await _store.ApplySubmitResultsAsync(first.ToSubmit, [new SubmitResult(id, false, null, 1503, "late refusal", null, 0)], "smpp", RetryDelay);

        var view = (await _store.GetSendAsync(send.MessageId, key.AccountId))!;
        Assert.Multiple(async () =>
        {
            Assert.That(view.Deliveries.Single().State, Is.EqualTo("sent"), "a late answer for a settled row changes nothing");
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((980_000L, 0L)), "spent once, never refunded");
        });
    }

    [Test]
    public async Task A_lease_extended_while_in_flight_keeps_other_claims_off_and_a_lapsed_one_is_not_revived()
    {
        var (key, _) = await CreateKeyAsync("renew", balance: 1_000_000, environment: "live");
        await _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), null, Response("r1"));
        await _store.AcceptSendAsync(key, Immediate(key, "+14155550101"), null, Response("r2"));
        var other = await _stores.OpenNodeAsync();
        var claim = await _store.ClaimDeliveriesAsync(1, Lease, _ => null, RetryDelay);
        var held = claim.ToSubmit.Single().DeliveryId;

        _clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.That(await _store.ExtendLeasesAsync([held], Lease), Is.EqualTo(new[] { held }), "still in flight: extended");
        _clock.Advance(TimeSpan.FromSeconds(2)); // past the first lease, within the extended one
        var byOther = await other.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        Assert.That(byOther.ToSubmit.Select(d => d.DeliveryId), Does.Not.Contain(held), "the extended lease keeps it off other claims");
        Assert.That(byOther.ToSubmit, Has.Count.EqualTo(1), "the other, unclaimed row is taken");
        if (kind == StoreKind.Postgres)
        {
            Assert.That(await other.ExtendLeasesAsync([held], Lease), Is.Empty, "a node extends only its own claims");
        }

        _clock.Advance(Lease + TimeSpan.FromSeconds(1)); // this node stalled longer than a lease
        Assert.That(await _store.ExtendLeasesAsync([held], Lease), Is.Empty, "a lapsed lease is not revived: another node may already have it");
        Assert.That((await other.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay)).ToSubmit.Select(d => d.DeliveryId), Does.Contain(held));
    }

    [Test]
    public async Task Deliveries_are_handed_off_oldest_due_first_whether_they_waited_for_a_time_a_retry_or_nothing()
    {
        var (key, _) = await CreateKeyAsync("order", balance: 1_000_000, environment: "live");
        var held = Immediate(key, "+14155550100") with { CancelWithinSeconds = 60 }; // due in 60 s
        await _store.AcceptSendAsync(key, held, null, Response("held"));
        var cancelled = Immediate(key, "+14155550101");
        await _store.AcceptSendAsync(key, cancelled, null, Response("cancelled"));
        await _store.CancelAsync(cancelled.MessageId, key.AccountId, key.KeyId, null, _ => new(200, []));
        var now1 = Immediate(key, "+14155550102");
        await _store.AcceptSendAsync(key, now1, null, Response("now1"));

        var first = await _store.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        Assert.That(first.ToSubmit.Select(d => d.MessageId), Is.EqualTo(new[] { now1.MessageId }), "the held one is not due, the cancelled one never is");
        var retried = first.ToSubmit[0];
        await _store.ApplySubmitResultsAsync(first.ToSubmit, [new SubmitResult(retried.DeliveryId, false, null, 1503, "throttled", null, 0, Retryable: true)], "smpp", RetryDelay);

        _clock.Advance(TimeSpan.FromSeconds(61)); // the held one is due (60 s), the retry too (30 s)
        var later = Immediate(key, "+14155550103"); // due now, after both
        await _store.AcceptSendAsync(key, later, null, Response("later"));
        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            order.AddRange((await _store.ClaimDeliveriesAsync(1, Lease, _ => null, RetryDelay)).ToSubmit.Select(d => d.MessageId));
        }

        Assert.That(order, Is.EqualTo(new[] { now1.MessageId, held.MessageId, later.MessageId }), "the retry (due at 30 s), the held one (60 s), then the new one (61 s)");
    }

    [Test]
    public async Task The_sandbox_path_submits_inside_the_claim_and_its_announced_receipt_applies_when_due()
    {
        var (key, _) = await CreateKeyAsync("inline", balance: 1_000_000, webhook: "https://hooks.example/in");
        var send = Immediate(key, "+14155550100", "+99900000004");
        await _store.AcceptSendAsync(key, send, null, Response("i"));
        var sandbox = new Carriers.Sandbox.SandboxCarrier(Microsoft.Extensions.Options.Options.Create(new Lisoloo.Server.Configuration.ServerOptions()), _clock);

        var claim = await _store.ClaimDeliveriesAsync(10, Lease, env => env == "test" ? sandbox : null, RetryDelay);
        Assert.That((claim.Claimed, claim.ToSubmit.Count), Is.EqualTo((2, 0)));
        Assert.That(await _store.ApplyDueAnnouncedReceiptsAsync(10), Is.Zero, "not due yet");
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(await _store.NextAnnouncedReceiptAtAsync(), Is.LessThanOrEqualTo(Now));
        Assert.That(await _store.ApplyDueAnnouncedReceiptsAsync(10), Is.EqualTo(1));

        var view = (await _store.GetSendAsync(send.MessageId, key.AccountId))!;
        var events = await _store.CountEventsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(view.Deliveries.Select(d => d.State), Is.EquivalentTo(new[] { "delivered", "failed" }));
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((980_000L, 0L)), "one spent, the refused one refunded");
            Assert.That(events.GetValueOrDefault("pending"), Is.EqualTo(7), "queued, processing, sent, delivered / queued, processing, failed");
        });
    }

    [Test]
    public async Task Events_are_claimed_by_one_node_until_their_lease_ends_and_a_410_disables_the_url()
    {
        var (key, _) = await CreateKeyAsync("events", balance: 1_000_000, environment: "live", webhook: "https://hooks.example/e");
        await _store.AcceptSendAsync(key, Immediate(key, "+14155550100"), null, Response("e"));
        await _store.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay); // writes sms.queued and sms.processing
        var other = await _stores.OpenNodeAsync();

        var mine = await _store.ClaimEventsAsync(10, Lease);
        Assert.That(mine.Select(e => (e.Type, e.Attempts)), Is.EqualTo(new[] { ("sms.queued", 1), ("sms.processing", 1) }));
        Assert.That(await other.ClaimEventsAsync(10, Lease), Is.Empty, "leased to the first node");

        _clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var theirs = await other.ClaimEventsAsync(10, Lease);
        Assert.That(theirs.Select(e => (e.EventId, e.Attempts)), Is.EqualTo(mine.Select(e => (e.EventId, 2))), "same ids, second attempt");

        await other.ApplyEventAttemptsAsync([
            (theirs[0], new EventAttempt(theirs[0].Id, EventAttemptOutcome.Delivered, 200, null, 0)),
            (theirs[1], new EventAttempt(theirs[1].Id, EventAttemptOutcome.Gone, 410, "gone", 0)),
        ]);
        Assert.Multiple(async () =>
        {
            Assert.That(await _store.CountEventsAsync(), Is.EquivalentTo(new Dictionary<string, long> { ["delivered"] = 1, ["failed"] = 1 }));
            Assert.That((await _store.ListKeysAsync()).Single().WebhookDisabledAt, Is.Not.Null);
        });
    }

    [Test]
    public async Task A_receipt_on_one_node_finds_the_part_another_node_stored_and_an_early_receipt_waits_for_it()
    {
        var (key, _) = await CreateKeyAsync("parts", balance: 1_000_000, environment: "live");
        var send = Immediate(key, "+14155550100");
        await _store.AcceptSendAsync(key, send, null, Response("pt"));
        var other = await _stores.OpenNodeAsync();
        var claim = await _store.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        var id = claim.ToSubmit[0].DeliveryId;

        var early = await other.ApplyPartReceiptsAsync("smsc", [new PartReceipt(["b2"], "delivered", "stat:DELIVRD")]);
        Assert.That(early, Is.EqualTo(new ReceiptApplyCounts(0, 1, 0)), "part 2 is not stored yet: held");

        await _store.ApplySubmitResultsAsync(claim.ToSubmit, [new SubmitResult(id, true, "a1", null, null, null, 0)
        {
            Parts = [new CarrierPart(1, 2, "a1"), new CarrierPart(2, 2, "b2")],
            Route = "smsc",
        }], "smpp", RetryDelay);
        Assert.That((await _store.GetSendAsync(send.MessageId, key.AccountId))!.Deliveries.Single().State, Is.EqualTo("sent"), "part 1 still to hear from");

        var last = await other.ApplyPartReceiptsAsync("smsc", [new PartReceipt(["a1"], "delivered", "stat:DELIVRD")]);
        Assert.That(last, Is.EqualTo(new ReceiptApplyCounts(1, 0, 1)));
        Assert.That((await _store.GetSendAsync(send.MessageId, key.AccountId))!.Deliveries.Single().State, Is.EqualTo("delivered"));
    }

    [Test]
    public async Task An_overdue_delivery_is_claimed_once_with_its_parts_and_made_unknown_unless_a_receipt_settled_it()
    {
        var (key, _) = await CreateKeyAsync("deadline", balance: 1_000_000, environment: "live");
        var first = Immediate(key, "+14155550100");
        var second = Immediate(key, "+14155550101");
        await _store.AcceptSendAsync(key, first, null, Response("d1"));
        await _store.AcceptSendAsync(key, second, null, Response("d2"));
        var claim = await _store.ClaimDeliveriesAsync(10, Lease, _ => null, RetryDelay);
        var ids = claim.ToSubmit.ToDictionary(d => d.Recipient, d => d.DeliveryId);

        // Accepted with a receipt deadline long past (unix ms 1), as an SMPP submit gives one.
        await _store.ApplySubmitResultsAsync(claim.ToSubmit,
        [
            new SubmitResult(ids["+14155550100"], true, "aa", null, null, null, 1) { Parts = [new CarrierPart(1, 1, "aa") { RawId = "AA" }], Route = "smsc" },
            new SubmitResult(ids["+14155550101"], true, "bb", null, null, null, 1) { Parts = [new CarrierPart(1, 1, "bb")], Route = "smsc" },
        ], "smpp", RetryDelay);

        var overdue = await _store.ClaimOverdueReceiptsAsync(10, TimeSpan.FromMinutes(5));
        var again = await _store.ClaimOverdueReceiptsAsync(10, TimeSpan.FromMinutes(5));
        Assert.Multiple(() =>
        {
            Assert.That(overdue.Select(d => d.Recipient).Order(), Is.EqualTo(new[] { "+14155550100", "+14155550101" }));
            Assert.That(overdue.Single(d => d.Recipient == "+14155550100").Parts, Is.EqualTo(new[] { new OverduePart("smsc", "aa", "AA", "sent") }), "the id as written, for query_sm");
            Assert.That(overdue.Single(d => d.Recipient == "+14155550101").Parts, Is.EqualTo(new[] { new OverduePart("smsc", "bb", null, "sent") }));
            Assert.That(again, Is.Empty, "leased: not claimed twice");
        });

        // The second is settled by a receipt before the resolution (on another node): only the first becomes unknown.
        var other = await _stores.OpenNodeAsync();
        await other.ApplyPartReceiptsAsync("smsc", [new PartReceipt(["bb"], "delivered", "stat:DELIVRD")]);
        var changed = await other.ResolveWithoutReceiptAsync([(ids["+14155550100"], "no receipt", "query_sm: ESME_RQUERYFAIL (0x00000067)"), (ids["+14155550101"], "no receipt", null)]);
        var a = (await _store.GetSendAsync(first.MessageId, key.AccountId))!.Deliveries.Single();
        var b = (await _store.GetSendAsync(second.MessageId, key.AccountId))!.Deliveries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.EqualTo(1));
            Assert.That((a.State, a.ErrorCode, a.ErrorMessage, a.CarrierError), Is.EqualTo(("unknown", (int?)LisolooErrorCodes.NoReceipt, "no receipt", "query_sm: ESME_RQUERYFAIL (0x00000067)")));
            Assert.That((b.State, b.ErrorCode), Is.EqualTo(("delivered", (int?)null)));
        });
        Assert.That(await _store.ClaimOverdueReceiptsAsync(10, TimeSpan.FromMinutes(5)), Is.Empty, "an unknown delivery has no deadline any more");
    }

    [Test]
    public async Task Inbound_parts_reaching_different_nodes_complete_one_message()
    {
        var (key, _) = await CreateKeyAsync("inbound", balance: 0, environment: "live", webhook: "https://hooks.example/mo");
        var other = await _stores.OpenNodeAsync();
        var parts = Enumerable.Range(1, 3).Select(i => new InboundPart("smsc", "+14155550100", "12345", $"part{i} ", 7, 3, i)).ToList();

        var completed = await Task.WhenAll(parts.Select((p, i) => (i % 2 == 0 ? _store : other).RecordInboundAsync([(p, key.KeyId)])));
        Assert.That(completed.Sum(), Is.EqualTo(1));
        Assert.That((await _store.CountEventsAsync()).GetValueOrDefault("pending"), Is.EqualTo(1), "one sms.received");
    }

    [Test]
    public async Task Concurrent_accepts_from_two_nodes_racing_for_the_last_of_a_balance_take_exactly_what_it_covers()
    {
        // Both nodes price their batches against the same balance at once; the one whose guarded debit then finds less
        // (on PostgreSQL the balance is read without a lock first) runs its batch again with the account locked.
        const int Affordable = 50;
        var (key, _) = await CreateKeyAsync("race-plain", balance: Affordable * 20_000L);
        var nodes = new[] { _store, await _stores.OpenNodeAsync() };
        var accepted = 0;
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            try
            {
                await nodes[i % 2].AcceptSendAsync(key, Immediate(key, "+14155550100"), null, Response("plain/" + i));
                Interlocked.Increment(ref accepted);
            }
            catch (InsufficientBalanceException)
            {
                Interlocked.Increment(ref refused);
            }
        });

        var balance = (await _store.GetBalanceAsync(key.AccountId))!;
        Assert.Multiple(async () =>
        {
            Assert.That((accepted, refused), Is.EqualTo((Affordable, 200 - Affordable)), "exactly what the balance covers; the rest refused");
            Assert.That(balance.BalanceMicros, Is.Zero, "never negative, nothing left over");
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((balance.BalanceMicros, balance.ReservedMicros)), "the ledger agrees");
            Assert.That(await _store.CountPendingDeliveriesAsync(), Is.EqualTo(Affordable), "no delivery written for a refused accept");
        });
    }

    [Test]
    public async Task Concurrent_accepts_from_two_nodes_keep_the_ledger_exact_and_answer_each_idempotency_key_once()
    {
        const int Affordable = 50;
        var (key, _) = await CreateKeyAsync("race", balance: Affordable * 20_000L);
        var nodes = new[] { _store, await _stores.OpenNodeAsync() };
        var responses = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        var accepted = 0;
        var refused = 0;

        // 200 requests on 100 idempotency keys, each key sent twice, once to each node, all at once.
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var idem = "key-" + (i / 2);
            var node = nodes[i % 2];
            try
            {
                var outcome = await node.AcceptSendAsync(key, Immediate(key, "+14155550100"), new IdempotencyRequest(idem, Hash(idem)), Response(idem + "/" + i));
                responses.GetOrAdd(idem, _ => []).Add(Encoding.UTF8.GetString(outcome.Response.Body));
                if (!outcome.Replayed)
                {
                    Interlocked.Increment(ref accepted);
                }
            }
            catch (InsufficientBalanceException)
            {
                Interlocked.Increment(ref refused);
            }
        });

        var balance = (await _store.GetBalanceAsync(key.AccountId))!;
        Assert.Multiple(async () =>
        {
            Assert.That(accepted, Is.EqualTo(Affordable), "exactly what the balance covers");
            Assert.That(balance.BalanceMicros, Is.Zero, "never negative, nothing left over");
            Assert.That(balance.ReservedMicros, Is.EqualTo(Affordable * 20_000L));
            Assert.That(await _store.LedgerTotalsAsync(key.AccountId), Is.EqualTo((balance.BalanceMicros, balance.ReservedMicros)), "the ledger agrees");
            Assert.That(responses.Values.Where(r => r.Distinct().Count() > 1), Is.Empty, "one response per idempotency key");
            Assert.That(await _store.CountPendingDeliveriesAsync(), Is.EqualTo(Affordable));
        });
    }

    [Test]
    public async Task The_send_rate_limit_holds_across_nodes()
    {
        var (key, _) = await CreateKeyAsync("limits", balance: 0);
        var limiters = new List<IRateLimiter>();
        for (var i = 0; i < 3; i++)
        {
            limiters.Add(_stores.LimiterFor(await _stores.OpenNodeAsync()));
        }

        // A client round-robined over three nodes, 90 requests in one minute.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => limiters[i % 3].AcquireAsync(key.KeyId, RateLimitedEndpoint.Send, 60).AsTask()));
        Assert.That(decisions.Count(d => d.Allowed), Is.EqualTo(60));
        Assert.That(decisions.Where(d => !d.Allowed).All(d => d.Remaining == 0 && d.ResetSeconds > 0), Is.True);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await limiters[1].AcquireAsync(key.KeyId, RateLimitedEndpoint.Send, 60)).Remaining, Is.EqualTo(59), "a new minute, a new window");
        await limiters[0].TrimAsync();
    }

    [Test]
    public async Task The_trim_drops_what_a_past_minute_left_in_memory_and_counting_goes_on_in_a_fresh_window()
    {
        var (key, _) = await CreateKeyAsync("trim", balance: 0);
        var limiter = _stores.LimiterFor(_store);
        foreach (var endpoint in new[] { RateLimitedEndpoint.Send, RateLimitedEndpoint.Status, RateLimitedEndpoint.Balance })
        {
            Assert.That((await limiter.AcquireAsync(key.KeyId, endpoint, 5)).Remaining, Is.EqualTo(4));
        }

        Assert.That(HeldInMemory(limiter), Is.EqualTo(3));
        await limiter.TrimAsync();
        Assert.That(HeldInMemory(limiter), Is.EqualTo(kind == StoreKind.Postgres ? 0 : 3),
            "in memory, SQLite keeps the current minute's windows; PostgreSQL keeps only counters with requests in flight");

        _clock.Advance(TimeSpan.FromMinutes(1));
        await limiter.TrimAsync();
        Assert.That(HeldInMemory(limiter), Is.Zero, "a past minute's windows and idle counters are dropped");
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            decisions.Add(await limiter.AcquireAsync(key.KeyId, RateLimitedEndpoint.Send, 5));
        }

        Assert.That(decisions.Select(d => d.Allowed ? d.Remaining : -1), Is.EqualTo(new[] { 4, 3, 2, 1, 0, -1 }));
    }

    private static int HeldInMemory(IRateLimiter limiter) => limiter switch
    {
        RateLimiter memory => memory.WindowCount,
        Lisoloo.Server.Storage.Postgres.PostgresRateLimiter shared => shared.CounterCount,
        _ => throw new InvalidOperationException(limiter.GetType().Name),
    };

    // ------------------------------------------------------------------ helpers

    private async Task<(ApiKeyInfo Key, byte[] Hash)> CreateKeyAsync(string merchant, long balance, string environment = "test", string? webhook = null)
    {
        var cleartext = $"sk_{environment}_{merchant}_{Guid.NewGuid():N}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(cleartext));
        await _store.CreateKeyAsync(new NewApiKey(merchant, environment, hash, $"sk_{environment}_{merchant}", balance, 20_000, "USD",
            [1, 2, 3], webhook, null, null, null, null, null));
        return ((await _store.FindKeyAsync(hash))!, hash);
    }

    private NewSend Immediate(ApiKeyInfo key, params string[] recipients) =>
        new(NewMessageId(), "immediate", "Hello", null, "gsm7", 1, recipients, [Now], recipients.Length * key.UnitPriceMicros, null, null, null, 0);

    private string NewMessageId() => TimeOrderedId.New(Now, 12);

    private static byte[] Hash(string body) => SHA256.HashData(Encoding.UTF8.GetBytes(body));

    private static RecordedResponse Response(string tag) => new(201, Encoding.UTF8.GetBytes("{\"tag\":\"" + tag + "\"}"));
}
