namespace Lisoloo.Sdk.Tests.Contract;

/// <summary><c>DELETE /cancel</c>, <c>POST /pause</c> and <c>POST /resume</c>, against the contract mappings.</summary>
[Category("Contract")]
public sealed class ActionContractTests : ContractTestBase
{
    [Test]
    public async Task CancelAsync_Scheduled_IsADeleteWithAnIdempotencyKeyAndReadsTheRefund()
    {
        using var client = CreateClient();

        var response = await client.CancelAsync("6650a1b2c3d4e5f601234568");

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_cancel"));
            Assert.That(response.Value, Is.EqualTo(new MessageActionResult
            {
                MessageId = "6650a1b2c3d4e5f601234568",
                Status = SmsStatus.Cancelled,
                RefundedMessages = 2,
                RefundedAmount = 0.04m,
                Currency = "USD",
            }));
            Assert.That(sent.Method, Is.EqualTo("DELETE"));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "cancel/6650a1b2c3d4e5f601234568"));
            Assert.That(sent.Body, Is.Empty);
        });
        AssertServedBy([sent], "cancel", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
    }

    [Test]
    public async Task PauseAsync_Recurring_IsABodylessPost()
    {
        using var client = CreateClient();

        var response = await client.PauseAsync("6650a1b2c3d4e5f601234569");

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo("req_contract_pause"));
            Assert.That(response.Value.Status, Is.EqualTo(SmsStatus.Paused));
            Assert.That(response.Value.RefundedAmount, Is.Zero);
            Assert.That(response.Value.SkippedOccurrences, Is.Null);
            Assert.That(sent.Method, Is.EqualTo("POST"));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "pause/6650a1b2c3d4e5f601234569"));
            Assert.That(sent.Body, Is.Empty);
        });
        AssertServedBy([sent], "pause", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
    }

    [Test]
    public async Task ResumeAsync_Paused_ReadsSkippedOccurrencesAndTheirRefund()
    {
        using var client = CreateClient();

        var response = await client.ResumeAsync("6650a1b2c3d4e5f601234569");

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo("req_contract_resume"));
            Assert.That(response.Value.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(response.Value.SkippedOccurrences, Is.EqualTo(1));
            Assert.That(response.Value.RefundedMessages, Is.EqualTo(1));
            Assert.That(response.Value.RefundedAmount, Is.EqualTo(0.02m));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "resume/6650a1b2c3d4e5f601234569"));
        });
        AssertServedBy([sent], "resume", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
    }
}
