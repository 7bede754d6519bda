using Lisoloo.Server.Hosting;
using Microsoft.Extensions.Configuration;

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
}
