#if NETFRAMEWORK
// Records and init-only setters on .NET Framework need this marker type.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
#endif
