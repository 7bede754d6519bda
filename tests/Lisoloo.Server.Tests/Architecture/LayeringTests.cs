using System.Text.RegularExpressions;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Architecture;

/// <summary>
/// The server's house rules (docs/server-design.md, "Layers" and "Which rule lives where"), read from its sources so
/// that a change that breaks one fails here instead of being found by the next reader: storage knows no HTTP, state
/// names are written once, namespaces do not use each other in circles, a file holds one type, and the two storage
/// providers keep the same role files.
/// </summary>
[TestFixture]
public sealed partial class LayeringTests
{
    private static readonly string ServerDir = Path.Combine(RepoPaths.Root, "Lisoloo.Server");

    /// <summary>Folders whose namespaces count apart in the cycle check (a provider is not its contract).</summary>
    private static readonly string[] SubNamespaces = ["Storage.Sqlite", "Storage.Postgres", "Carriers.Sandbox", "Carriers.Smpp"];

    [Test]
    public void Storage_knows_no_http()
    {
        var offenders = SourceFiles("Storage")
            .Where(f => HttpWords().IsMatch(Code(f)))
            .Select(Relative)
            .ToList();

        Assert.That(offenders, Is.Empty, "storage files that name HTTP: refusals are Lifecycle exceptions, the API maps them");
    }

    [Test]
    public void State_names_are_written_only_in_their_mapping()
    {
        string[] mappings = ["DeliveryStates.cs", "SendStates.cs", "OccurrenceStates.cs", "EventStates.cs", "SendingTypes.cs"];
        var offenders = SourceFiles()
            .Where(f => !(Path.GetFileName(Path.GetDirectoryName(f)) == "Lifecycle" && mappings.Contains(Path.GetFileName(f))))
            .SelectMany(f => StateLiteral().Matches(Code(f)).Select(m => $"{Relative(f)}: {m.Value}"))
            .ToList();

        Assert.That(offenders, Is.Empty, "use DeliveryStates, SendStates, OccurrenceStates, EventStates or SendingTypes");
    }

    [Test]
    public void Namespaces_do_not_use_each_other_in_circles()
    {
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var code = Code(file);
            var declared = FileNamespace().Match(code);
            if (!declared.Success)
            {
                continue;
            }

            var from = Normalize(declared.Groups[1].Value);
            var used = UsingDirective().Matches(code).Select(m => m.Groups[1].Value)
                .Concat(QualifiedReference().Matches(code).Select(m => m.Groups[1].Value))
                .Select(Normalize)
                .Where(to => to != from);
            if (!uses.TryGetValue(from, out var set))
            {
                uses[from] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.UnionWith(used);
        }

        var cycles = uses.Keys.Where(start => Reaches(uses, start, start)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.That(cycles, Is.Empty, "namespaces that reach themselves through what they use");
    }

    [Test]
    public void A_file_holds_one_top_level_type_named_as_the_file()
    {
        // A PDU decoder's result and its status travel together.
        string[] together = ["DecodeResult.cs"];
        var offenders = new List<string>();
        foreach (var file in SourceFiles().Where(f => !together.Contains(Path.GetFileName(f))))
        {
            var types = TopLevelType().Matches(Code(file)).Select(m => m.Groups[1].Value).ToList();
            var name = Path.GetFileNameWithoutExtension(file);
            var expected = name.Contains('.', StringComparison.Ordinal) ? name[..name.IndexOf('.', StringComparison.Ordinal)] : name;
            if (types.Count > 1 || (types.Count == 1 && types[0] != expected))
            {
                offenders.Add($"{Relative(file)}: {string.Join(", ", types)}");
            }
        }

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void The_storage_providers_keep_the_same_role_files()
    {
        static IEnumerable<string> Roles(string folder, string store) => Directory.EnumerateFiles(Path.Combine(ServerDir, "Storage", folder), store + ".*.cs")
            .Select(f => Path.GetFileNameWithoutExtension(f)[(store.Length + 1)..])
            .Order(StringComparer.Ordinal);

        var sqlite = Roles("Sqlite", "SqliteStore").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Roles("Postgres", "PostgresStore"), Is.EqualTo(sqlite), "the same role partials in both providers");
            Assert.That(sqlite, Is.EquivalentTo(new[] { "Accounts", "Carrier", "Deliveries", "Events", "Health", "Keys", "Sends" }));
        });
    }

    private static IEnumerable<string> SourceFiles(string? folder = null) =>
        Directory.EnumerateFiles(folder is null ? ServerDir : Path.Combine(ServerDir, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>The file without its comment lines (doc comments may name states and statuses in prose).</summary>
    private static string Code(string file) =>
        string.Join('\n', File.ReadLines(file).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));

    private static string Relative(string file) => Path.GetRelativePath(RepoPaths.Root, file);

    private static string Normalize(string ns)
    {
        var name = ns.StartsWith("Lisoloo.Server.", StringComparison.Ordinal) ? ns["Lisoloo.Server.".Length..] : ns;
        return SubNamespaces.FirstOrDefault(s => name == s || name.StartsWith(s + ".", StringComparison.Ordinal)) ?? name.Split('.')[0];
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> uses, string from, string target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([from]);
        while (stack.TryPop(out var node))
        {
            foreach (var next in uses.GetValueOrDefault(node) ?? [])
            {
                if (next == target)
                {
                    return true;
                }

                if (seen.Add(next))
                {
                    stack.Push(next);
                }
            }
        }

        return false;
    }

    [GeneratedRegex(@"\bApiError|using Lisoloo\.Server\.Api;|\bApi\.|StatusCodes\.|HttpContext|HttpStatus|AspNetCore")]
    private static partial Regex HttpWords();

    [GeneratedRegex("""["'](?:pending|queued|processing|sent|delivered|undelivered|failed|expired|rejected|cancelled|scheduled|paused|accepted|unknown|active|immediate|recurring|skipped|released|disabled)["']""")]
    private static partial Regex StateLiteral();

    [GeneratedRegex(@"^namespace (Lisoloo\.Server(?:\.[\w.]+)?);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^using (Lisoloo\.Server\.[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])((?:Api|Auth|Carriers|Cli|Configuration|Diagnostics|Hosting|Lifecycle|RateLimits|Scheduling|Sending|Storage|Webhooks|Workers)(?:\.(?:Sqlite|Postgres|Sandbox|Smpp))?)\.[A-Z]\w*")]
    private static partial Regex QualifiedReference();

    [GeneratedRegex(@"^(?:internal|public)\s+(?:(?:sealed|static|abstract|readonly|partial)\s+)*(?:record\s+struct|record\s+class|class|record|struct|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();
}
