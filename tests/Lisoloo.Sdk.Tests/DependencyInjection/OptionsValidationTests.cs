using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.Tests.DependencyInjection;

/// <summary>Options validated when the host starts: a bad key, URL or setting stops start-up with a message that says what is wrong.</summary>
public sealed class OptionsValidationTests
{
    private static OptionsValidationException? StartHost(Action<IServiceCollection> register)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        register(builder.Services);
        using var host = builder.Build();
        try
        {
            host.StartAsync().GetAwaiter().GetResult();
            host.StopAsync().GetAwaiter().GetResult();
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex;
        }
    }

    [Test]
    public void Start_ValidOptions_Starts()
    {
        Assert.That(StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey)))), Is.Null);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Start_MissingKey_FailsWithApiKeyRequired(string? key)
    {
        var ex = StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(("ApiKey", key), ("BaseUrl", "https://sms.example.com/"))));

        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.OptionsType, Is.EqualTo(typeof(LisolooClientOptions)));
            Assert.That(ex.Message, Does.Contain("ApiKey is required"));
        });
    }

    [TestCase("pk_test_4f9a2c7e1b3d5f60a8c2e4b6")]
    [TestCase("sk_test_short")]
    [TestCase("sk_test_has spaces in it 1234")]
    [TestCase("sk_prod_4f9a2c7e1b3d5f60a8c2e4b6")]
    public void Start_MalformedKey_FailsWithoutShowingTheKey(string key)
    {
        var ex = StartHost(s => s.AddLisoloo(o => o.ApiKey = key));

        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("ApiKey").And.Contain("sk_test_…"));
            Assert.That(ex.Message, Does.Not.Contain(key));
            Assert.That(ex.ToString(), Does.Not.Contain(key));
        });
    }

    [Test]
    public void Start_KeyOfTheWrongEnvironment_Fails()
    {
        var ex = StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(
            ("ApiKey", ServiceFixture.LiveKey),
            ("BaseUrl", "https://sandbox.example.com/"),
            ("BaseUrlEnvironment", "Test"))));

        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("live key cannot be used"));
            Assert.That(ex.Message, Does.Not.Contain(ServiceFixture.LiveKey));
        });
    }

    [TestCase("not a url")]
    [TestCase("/relative/path")]
    [TestCase("ftp://sms.example.com/")]
    [TestCase("sms.example.com")]
    public void Start_IllFormedBaseUrlInConfiguration_FailsWithBaseUrlProblem(string url)
    {
        var ex = StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey), ("BaseUrl", url))));

        Assert.That(ex, Is.Not.Null);
        Assert.That(ex!.Message, Does.Contain("BaseUrl must be an absolute http or https URL"));
    }

    [Test]
    public void Start_NullBaseUrlInCode_FailsWithBaseUrlProblem()
    {
        var ex = StartHost(s => s.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.BaseUrl = null!;
        }));

        Assert.That(ex?.Message, Does.Contain("BaseUrl"));
    }

    [TestCase("Resilience:MaxRetryAttempts", "11", "MaxRetryAttempts")]
    [TestCase("Resilience:AttemptTimeout", "00:00:00", "AttemptTimeout")]
    [TestCase("Resilience:FailureRatio", "1.5", "FailureRatio")]
    [TestCase("Resilience:MinimumThroughput", "1", "MinimumThroughput")]
    [TestCase("Resilience:MaxDelay", "00:00:01", "MaxDelay")]
    public void Start_InvalidResilienceSetting_FailsNamingIt(string key, string value, string expected)
    {
        var ex = StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey), (key, value))));

        Assert.That(ex?.Message, Does.Contain(expected));
    }

    [TestCase("Resilience:MaxRetryAttempts", "three")]
    [TestCase("Resilience:Enabled", "yes please")]
    [TestCase("Resilience:BaseDelay", "2 seconds")]
    [TestCase("Resilience:FailureRatio", "ten percent")]
    [TestCase("BaseUrlEnvironment", "Production")]
    public void Start_UnreadableSettingInConfiguration_FailsNamingItsPath(string key, string value)
    {
        var configuration = ServiceFixture.Configuration(("Lisoloo:ApiKey", ServiceFixture.TestKey), ("Lisoloo:" + key, value));

        var ex = StartHost(s => s.AddLisoloo(configuration.GetSection("Lisoloo")));

        Assert.That(ex, Is.Not.Null);
        Assert.That(ex!.Message, Does.Contain("Lisoloo:" + key).And.Contain(value));
    }

    [Test]
    public void Start_SeveralProblems_AreAllReported()
    {
        var ex = StartHost(s => s.AddLisoloo(ServiceFixture.Configuration(("BaseUrl", "nope"), ("Resilience:MaxRetryAttempts", "-1"))));

        Assert.That(ex, Is.Not.Null);
        Assert.That(ex!.Failures.Count(), Is.GreaterThanOrEqualTo(3));
        Assert.That(ex.Message, Does.Contain("ApiKey").And.Contain("BaseUrl").And.Contain("MaxRetryAttempts"));
    }

    [Test]
    public void Start_InvalidNamedClient_FailsNamingTheClient()
    {
        var ex = StartHost(s =>
        {
            s.AddLisoloo("test", o => o.ApiKey = ServiceFixture.TestKey);
            s.AddLisoloo("live", o => o.ApiKey = null);
        });

        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.OptionsName, Is.EqualTo("live"));
            Assert.That(ex.Message, Does.Contain("'live'").And.Contain("ApiKey is required"));
        });
    }

    [Test]
    public void WithoutHost_ResolvingAnInvalidClient_ThrowsTheSameValidationError()
    {
        var services = ServiceFixture.Services();
        services.AddLisoloo(o => o.ApiKey = "nope");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<LisolooClient>().Dispose());

        Assert.That(ex!.Message, Does.Contain("ApiKey"));
    }
}
