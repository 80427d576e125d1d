using Threshold.Core.Support.Desk;

namespace Threshold.Web.Pages.Support;

/// <summary>What the audit table partial shows: a page of lines and the caption that says which.</summary>
public sealed record AuditTable(AuditPage Audit, string Caption);
