namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>The one libc call the writer needs that .NET does not wrap.</summary>
internal static class NativeMethods
{
    /// <summary><c>fdatasync(2)</c>: 0, or -1 with errno set.</summary>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    internal static extern int FDataSync(int fd);
}
