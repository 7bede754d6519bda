namespace Lisoloo.Server.Storage;

/// <summary>Sends as the API sees them: accept (idempotent, reserved whole or refused), status, and the message actions.</summary>
internal interface ISendStore
{
    /// <summary>
    /// Stores a send in one transaction: idempotency record, reserve (refused whole when the balance cannot cover it),
    /// send row, occurrence rows, and for an immediate send its pending delivery rows. The key is checked again inside
    /// the transaction, so a revoked key is refused even when the caller found it in a cache. Answers after the commit.
    /// The response is what the API rendered for this send, recorded with its idempotency key (if any) for replays.
    /// </summary>
    /// <exception cref="Lifecycle.KeyRevokedException">The key was revoked.</exception>
    /// <exception cref="Lifecycle.InsufficientBalanceException">The balance cannot cover the whole send.</exception>
    /// <exception cref="Lifecycle.IdempotencyKeyReusedException">The idempotency key was used with another body.</exception>
    Task<AcceptOutcome> AcceptSendAsync(ApiKeyInfo key, NewSend send, IdempotencyRequest? idempotency, RecordedResponse response, CancellationToken cancellationToken = default);

    /// <summary>The send with this id in this account, or null (also for another account's message).</summary>
    ValueTask<SendView?> GetSendAsync(string messageId, long accountId, CancellationToken cancellationToken = default);

    /// <summary>The environment of a message that belongs to the same merchant as <paramref name="accountId"/> but another account; null otherwise.</summary>
    ValueTask<string?> OtherEnvironmentOfAsync(string messageId, long accountId, CancellationToken cancellationToken = default);

    /// <summary>Cancels what has not reached the carrier (pending deliveries, scheduled or paused occurrences) and refunds it.</summary>
    /// <exception cref="Lifecycle.SendActionRefusedException">No such message (1401) or nothing left to cancel (1402).</exception>
    Task<AcceptOutcome> CancelAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default);

    /// <summary>Pauses the scheduled occurrences of a scheduled or recurring send.</summary>
    /// <exception cref="Lifecycle.SendActionRefusedException">No such message (1401) or not pausable (1403).</exception>
    Task<AcceptOutcome> PauseAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused send; occurrences whose time passed while paused are skipped and refunded.</summary>
    /// <exception cref="Lifecycle.SendActionRefusedException">No such message (1401) or not paused (1404).</exception>
    Task<AcceptOutcome> ResumeAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default);

    /// <summary>Drops idempotency records older than <see cref="Idempotency.Retention"/>. Returns how many.</summary>
    Task<int> PurgeIdempotencyAsync(CancellationToken cancellationToken = default);
}
