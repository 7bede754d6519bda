namespace Lisoloo.Sdk.Tests.Http;

/// <summary>The resilience settings: documented defaults and what validation accepts.</summary>
public sealed class LisolooResilienceOptionsTests
{
    [Test]
    public void Defaults_AreThoseOfTheStandardPipeline()
    {
        var options = new LisolooResilienceOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.Enabled, Is.True);
            Assert.That(options.MaxRetryAttempts, Is.EqualTo(3));
            Assert.That(options.BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(options.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.UseJitter, Is.True);
            Assert.That(options.MaxRetryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(options.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.CircuitBreakerEnabled, Is.True);
            Assert.That(options.FailureRatio, Is.EqualTo(0.1));
            Assert.That(options.MinimumThroughput, Is.EqualTo(100));
            Assert.That(options.SamplingDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.BreakDuration, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.Validate(), Is.Empty);
        });
    }

    private static readonly TestCaseData[] Invalid =
    [
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.MaxRetryAttempts = -1), "MaxRetryAttempts"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.MaxRetryAttempts = 11), "MaxRetryAttempts"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.BaseDelay = TimeSpan.FromSeconds(-1)), "BaseDelay"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.MaxDelay = TimeSpan.FromSeconds(1)), "MaxDelay"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.AttemptTimeout = TimeSpan.Zero), "AttemptTimeout"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.TotalTimeout = TimeSpan.FromSeconds(-5)), "TotalTimeout"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.MaxRetryAfter = TimeSpan.FromSeconds(-1)), "MaxRetryAfter"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.FailureRatio = 0), "FailureRatio"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.FailureRatio = 1.01), "FailureRatio"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.MinimumThroughput = 1), "MinimumThroughput"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.SamplingDuration = TimeSpan.FromMilliseconds(100)), "SamplingDuration"),
        new TestCaseData(new Action<LisolooResilienceOptions>(o => o.BreakDuration = TimeSpan.FromMilliseconds(100)), "BreakDuration"),
    ];

    [TestCaseSource(nameof(Invalid))]
    public void Validate_OutOfRange_NamesTheSetting(Action<LisolooResilienceOptions> change, string setting)
    {
        var options = new LisolooResilienceOptions();
        change(options);

        Assert.That(options.Validate(), Has.Some.Contains(setting));
    }

    [Test]
    public void Validate_BreakerSettings_AreIgnoredWhenTheBreakerIsOff()
    {
        var options = new LisolooResilienceOptions { CircuitBreakerEnabled = false, FailureRatio = 0, MinimumThroughput = 0, BreakDuration = TimeSpan.Zero };

        Assert.That(options.Validate(), Is.Empty);
    }

    [Test]
    public void Validate_ZeroRetriesAndZeroDelays_AreAllowed()
    {
        var options = new LisolooResilienceOptions { MaxRetryAttempts = 0, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, MaxRetryAfter = TimeSpan.Zero };

        Assert.That(options.Validate(), Is.Empty);
    }

    [Test]
    public void ClientOptions_Validate_IncludesResilienceProblems()
    {
        var options = new LisolooClientOptions { ApiKey = Client.TestClients.TestKey, Resilience = { MaxRetryAttempts = 99 } };

        Assert.That(options.Validate(), Has.Some.Contains("MaxRetryAttempts"));
    }
}
