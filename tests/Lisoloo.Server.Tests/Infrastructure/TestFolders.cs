using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>The data folders tests put their databases in: one per test, under the temp folder, removed afterwards.</summary>
internal static class TestFolders
{
    /// <summary>A fresh folder path for one test's data (not created: the server or the store creates it).</summary>
    public static string NewPath() => Path.Combine(Path.GetTempPath(), "lisoloo-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Deletes a test's data folder once the SQLite connections pooled on its files are closed. A folder that cannot be
    /// deleted (a file still open in a process the test already stopped and the kernel has not released yet) is left to
    /// the temp folder's cleanup rather than failing a test that passed.
    /// </summary>
    public static void Delete(string folder)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
