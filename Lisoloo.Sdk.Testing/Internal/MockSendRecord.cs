using Lisoloo.Server.Api;
using Lisoloo.Server.Carriers.Sandbox;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;

namespace Lisoloo.Sdk.Testing.Internal;

/// <summary>
/// One accepted send and what became of it. As in the reference server's sandbox, the fate of each recipient is a pure
/// function of the number (<see cref="SandboxOutcomes"/>) and of the time, so the record stores only the send, its
/// occurrences' states and the actions taken on it; the deliveries are worked out for the time they are asked about.
/// Not thread-safe: <see cref="MockApi"/> holds its lock around every use.
/// </summary>
internal sealed class MockSendRecord
{
    private readonly long[] _dueAt;
    private readonly string[] _occurrenceStates;
    private readonly MockDelays _delays;
    private long? _cancelledAt;
    private long _actionRefundMicros;

    public MockSendRecord(long sendId, MockSend send, ParsedSend parsed, long unitPriceMicros, long createdAt, MockDelays delays)
    {
        SendId = sendId;
        Send = send;
        Parsed = parsed;
        UnitPriceMicros = unitPriceMicros;
        CreatedAt = createdAt;
        _delays = delays;
        Immediate = parsed.SendingType == SendingTypes.Immediate;
        _dueAt = Immediate ? [createdAt + (parsed.CancelWithinSeconds * 1000L)] : [.. parsed.OccurrencesAt];
        _occurrenceStates = new string[_dueAt.Length];
        Array.Fill(_occurrenceStates, Immediate ? OccurrenceStates.Released : OccurrenceStates.Scheduled);
    }

    public long SendId { get; }

    /// <summary>Gets what the caller sent, as <see cref="LisolooMockServer.Sends"/> shows it.</summary>
    public MockSend Send { get; }

    public ParsedSend Parsed { get; }

    public long UnitPriceMicros { get; }

    public long CreatedAt { get; }

    public bool Immediate { get; }

    /// <summary>Gets the send's own state, as the server stores it: <c>active</c>, <c>paused</c> or <c>cancelled</c>.</summary>
    public string State { get; private set; } = SendStates.Active;

    public long CostMicros => (long)Recipients * Parsed.Segments.Segments * _dueAt.Length * UnitPriceMicros;

    private int Recipients => Parsed.Recipients.Count;

    /// <summary>What the lifecycle's action rules need to know, as the server's stores read it.</summary>
    private ActionSend Facts => new(SendId, 0, Parsed.SendingType, State, Recipients, Parsed.Segments.Segments, UnitPriceMicros, Send.Currency);

    private long PerDeliveryMicros => Parsed.Segments.Segments * UnitPriceMicros;

    /// <summary>Releases the scheduled occurrences whose time has come, as the server's scheduler does.</summary>
    public void Advance(long now)
    {
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] == OccurrenceStates.Scheduled && _dueAt[i] <= now)
            {
                _occurrenceStates[i] = OccurrenceStates.Released;
            }
        }
    }

    /// <summary>Gets the money given back so far: cancelled and skipped work, and recipients the sandbox refused.</summary>
    public long RefundedMicros(long now)
    {
        var refused = 0L;
        ForEachSubmitted(now, (recipient, _, _) =>
        {
            if (SandboxOutcomes.For(recipient).Refused)
            {
                refused++;
            }
        });
        return _actionRefundMicros + (refused * PerDeliveryMicros);
    }

    /// <summary>Gets the money held for work that has not reached the carrier yet.</summary>
    public long ReservedMicros(long now)
    {
        var waiting = 0L;
        for (var i = 0; i < _dueAt.Length; i++)
        {
            var state = _occurrenceStates[i];
            if (state is OccurrenceStates.Scheduled or OccurrenceStates.Paused || (Immediate && _cancelledAt is null && now < _dueAt[i]))
            {
                waiting += Recipients;
            }
        }

        return waiting * PerDeliveryMicros;
    }

    /// <summary>The send as <c>GET /status</c> sees it at <paramref name="now"/>.</summary>
    public SendView View(long now)
    {
        Advance(now);
        var deliveries = new List<DeliveryView>();
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] != OccurrenceStates.Released)
            {
                continue;
            }

            foreach (var recipient in Parsed.Recipients)
            {
                deliveries.Add(Delivery(i, recipient, now));
            }
        }

        var occurrences = new OccurrenceView[_dueAt.Length];
        for (var i = 0; i < _dueAt.Length; i++)
        {
            occurrences[i] = new OccurrenceView(i + 1, _dueAt[i], _occurrenceStates[i]);
        }

        return new SendView(SendId, Send.MessageId, Parsed.SendingType, State, Parsed.Segments.Encoding.Value, Parsed.Segments.Segments, Parsed.SenderId,
            Recipients, (int)Quotes.Messages(Parsed), CostMicros, RefundedMicros(now), Send.Currency, CreatedAt, occurrences, deliveries, Parsed.Recipients)
        {
            FirstSendAt = _dueAt[0],
        };
    }

    /// <summary>Cancels what has not reached the carrier; throws the 409 of the server when nothing can be.</summary>
    public ActionOutcome Cancel(long now)
    {
        Advance(now);
        var deliveries = 0L;
        if (Immediate && _cancelledAt is null && now < _dueAt[0])
        {
            _cancelledAt = now;
            deliveries = Recipients;
        }

        var occurrences = 0L;
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] is OccurrenceStates.Scheduled or OccurrenceStates.Paused)
            {
                _occurrenceStates[i] = OccurrenceStates.Cancelled;
                occurrences++;
            }
        }

        var outcome = SendActions.Cancelled(Facts, deliveries, occurrences); // nothing changed when it throws: both counts are 0
        _actionRefundMicros += outcome.RefundedMicros;
        State = SendStates.Cancelled;
        return outcome;
    }

    /// <summary>Pauses the scheduled occurrences of a scheduled or recurring send.</summary>
    public ActionOutcome Pause(long now)
    {
        Advance(now);
        SendActions.CheckPause(Facts);

        var paused = 0;
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] == OccurrenceStates.Scheduled)
            {
                _occurrenceStates[i] = OccurrenceStates.Paused;
                paused++;
            }
        }

        var outcome = SendActions.Paused(Facts, paused);
        State = SendStates.Paused;
        return outcome;
    }

    /// <summary>Resumes a paused send; occurrences whose time passed while it was paused are skipped and refunded.</summary>
    public ActionOutcome Resume(long now)
    {
        SendActions.CheckResume(Facts);

        var skipped = 0;
        var resumed = 0;
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] != OccurrenceStates.Paused)
            {
                continue;
            }

            if (_dueAt[i] <= now)
            {
                _occurrenceStates[i] = OccurrenceStates.Skipped;
                skipped++;
            }
            else
            {
                _occurrenceStates[i] = OccurrenceStates.Scheduled;
                resumed++;
            }
        }

        var outcome = SendActions.Resumed(Facts, skipped, resumed);
        _actionRefundMicros += outcome.RefundedMicros;
        State = SendStates.Active;
        return outcome;
    }

    /// <summary>Calls <paramref name="visit"/> for each recipient of each occurrence the carrier has been handed.</summary>
    private void ForEachSubmitted(long now, Action<string, int, long> visit)
    {
        Advance(now);
        for (var i = 0; i < _dueAt.Length; i++)
        {
            if (_occurrenceStates[i] != OccurrenceStates.Released || now < _dueAt[i] || (Immediate && _cancelledAt is not null))
            {
                continue;
            }

            foreach (var recipient in Parsed.Recipients)
            {
                visit(recipient, i, _dueAt[i]);
            }
        }
    }

    private DeliveryView Delivery(int index, string recipient, long now)
    {
        var seq = index + 1;
        var dueAt = _dueAt[index];
        var pendingAt = Immediate ? CreatedAt : dueAt;
        if (Immediate && _cancelledAt is { } cancelledAt)
        {
            return new DeliveryView(seq, recipient, DeliveryStates.Cancelled, null, null, cancelledAt, [(DeliveryStates.Pending, pendingAt), (DeliveryStates.Cancelled, cancelledAt)]);
        }

        if (now < dueAt)
        {
            return new DeliveryView(seq, recipient, DeliveryStates.Pending, null, null, pendingAt, [(DeliveryStates.Pending, pendingAt)]);
        }

        var outcome = SandboxOutcomes.For(recipient);
        if (outcome.Refused)
        {
            return new DeliveryView(seq, recipient, DeliveryStates.Failed, outcome.RefusedCode, outcome.RefusedMessage, dueAt,
                [(DeliveryStates.Pending, pendingAt), (DeliveryStates.Queued, dueAt), (DeliveryStates.Processing, dueAt), (DeliveryStates.Failed, dueAt)]);
        }

        var finalAt = dueAt + (long)_delays.For(outcome.Delay).TotalMilliseconds;
        if (now < finalAt)
        {
            return new DeliveryView(seq, recipient, DeliveryStates.Sent, null, null, dueAt,
                [(DeliveryStates.Pending, pendingAt), (DeliveryStates.Queued, dueAt), (DeliveryStates.Processing, dueAt), (DeliveryStates.Sent, dueAt)]);
        }

        var state = outcome.ReceiptState!;
        var (code, message) = ReceiptErrors.For(state);
        return new DeliveryView(seq, recipient, state, code, message, finalAt,
            [(DeliveryStates.Pending, pendingAt), (DeliveryStates.Queued, dueAt), (DeliveryStates.Processing, dueAt), (DeliveryStates.Sent, dueAt), (state, finalAt)]);
    }
}

/// <summary>The sandbox's three receipt delays.</summary>
internal sealed record MockDelays(TimeSpan Delivery, TimeSpan SlowDelivery, TimeSpan Failure)
{
    public TimeSpan For(SandboxDelay delay) => delay switch
    {
        SandboxDelay.SlowDelivery => SlowDelivery,
        SandboxDelay.Failure => Failure,
        _ => Delivery,
    };
}
