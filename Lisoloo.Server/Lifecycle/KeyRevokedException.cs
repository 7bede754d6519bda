using Lisoloo.Sdk;

namespace Lisoloo.Server.Lifecycle;

/// <summary>The key was revoked after the caller authenticated with it (checked again inside the accept's transaction): 1003.</summary>
internal sealed class KeyRevokedException() : RefusedException(LisolooErrorCodes.InvalidApiKey, "The app-key is unknown or revoked.");
