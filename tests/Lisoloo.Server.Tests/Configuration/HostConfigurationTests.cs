using Lisoloo.Server.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Tests.Configuration;

/// <summary>How the server reads its configuration files.</summary>
[TestFixture]
public sealed class HostConfigurationTests
{
    [Test]
    public async Task Configuration_files_are_read_once_and_not_watched()
    {
        // A watched appsettings.json puts a recursive watcher on the content root, which holds ./data by default:
        // every WAL write would then wake the watcher's thread.
        var data = Directory.CreateTempSubdirectory("lisoloo-hostcfg-");
        try
        {
            await using var app = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Lisoloo:Store:DataDirectory", data.FullName]);
            var sources = ((IConfigurationBuilder)app.Configuration).Sources.OfType<FileConfigurationSource>().ToList();
            Assert.Multiple(() =>
            {
                Assert.That(sources, Is.Not.Empty, "appsettings files are still read");
                Assert.That(sources.Where(s => s.ReloadOnChange).Select(s => s.Path), Is.Empty);
            });

            await using var watched = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Lisoloo:Store:DataDirectory", data.FullName, "--hostBuilder:reloadConfigOnChange=true"]);
            Assert.That(((IConfigurationBuilder)watched.Configuration).Sources.OfType<FileConfigurationSource>().Any(s => s.ReloadOnChange), Is.True,
                "an operator who wants reloading can still ask for it");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Kestrel_schedules_inline_unless_configured_off()
    {
        var data = Directory.CreateTempSubdirectory("lisoloo-hostcfg-");
        try
        {
            await using var byDefault = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Lisoloo:Store:DataDirectory", data.FullName]);
            await using var off = ServerHost.Build(["--urls", "http://127.0.0.1:0", "--Lisoloo:Store:DataDirectory", data.FullName, "--Lisoloo:InlineScheduling=false"]);
            Assert.Multiple(() =>
            {
                Assert.That(byDefault.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling, Is.True);
                Assert.That(off.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling, Is.False);
            });
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [TestCase(null, null, true)]
    [TestCase(null, "1", false)]
    [TestCase("true", "1", true)]
    [TestCase("false", null, false)]
    public void Inline_scheduling_is_off_by_default_only_when_socket_completions_are_inline(string? setting, string? inlineCompletions, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Lisoloo:InlineScheduling"] = setting,
        }).Build();
        Assert.That(ServerComposition.InlineScheduling(configuration, inlineCompletions), Is.EqualTo(expected));
    }
}
