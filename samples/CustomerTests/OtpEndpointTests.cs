using System.Net;
using System.Net.Http.Json;
using Lisoloo.Sdk.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CustomerTests;

/// <summary>
/// The OTP endpoint of samples/AspNetCoreClient, tested as its owner would: the app runs in memory with its real DI
/// (AddLisoloo bound from configuration), and its Lisoloo client talks to a <see cref="LisolooMockServer"/>.
/// </summary>
public sealed class OtpEndpointTests
{
    private LisolooMockServer _lisoloo = null!;
    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void Start()
    {
        _lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { Balance = 1m });
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Lisoloo:ApiKey", _lisoloo.ApiKey)
            .UseSetting("Lisoloo:BaseUrl", _lisoloo.Url.ToString())
            .UseSetting("Lisoloo:Resilience:BaseDelay", "00:00:00.010"));
        _http = _app.CreateClient();
    }

    [TearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _lisoloo.DisposeAsync();
    }

    [Test]
    public async Task Otp_TextsASixDigitCodeFromTheAppsSender()
    {
        using var response = await _http.PostAsJsonAsync("/otp", new { phone = "+243 998 857 000" });

        var body = await response.Content.ReadFromJsonAsync<OtpAnswer>();
        var sms = _lisoloo.Sends.Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body!.MessageId, Is.EqualTo(sms.MessageId));
            Assert.That(sms.To, Is.EqualTo(new[] { "+243998857000" }));
            Assert.That(sms.SenderId, Is.EqualTo("MYAPP"));
            Assert.That(sms.Message, Does.Match(@"^Your code: \d{3} \d{3}\. Valid 5 min\.$"));
            Assert.That(sms.IdempotencyKey, Does.StartWith("otp-"));
        });
    }

    [Test]
    public async Task Otp_ThroughTwoOutages_StillTextsOnce()
    {
        _lisoloo.FailNext(LisolooMockFailure.ServiceUnavailable, count: 2);

        using var response = await _http.PostAsJsonAsync("/otp", new { phone = "+243998857000" });

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_lisoloo.Requests.Select(r => r.Status), Is.EqualTo(new[] { 503, 503, 201 }));
            Assert.That(_lisoloo.Sends, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Otp_WhenTheBalanceIsSpent_AnswersServiceUnavailable()
    {
        for (var i = 0; i < 50; i++)
        {
            (await _http.PostAsJsonAsync("/otp", new { phone = "+243998857000" })).Dispose();
        }

        using var response = await _http.PostAsJsonAsync("/otp", new { phone = "+243998857000" });

        Assert.Multiple(() =>
        {
            Assert.That(_lisoloo.Balance, Is.Zero, "50 codes at 0.02 spent the balance of 1");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(_lisoloo.Requests.Last().Status, Is.EqualTo(402));
        });
    }

    [Test]
    public async Task Otp_ForANumberThatIsNotOne_SendsNothing()
    {
        using var response = await _http.PostAsJsonAsync("/otp", new { phone = "call me" });

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(_lisoloo.Requests, Is.Empty);
        });
    }

    private sealed record OtpAnswer(string MessageId, string Status);
}
