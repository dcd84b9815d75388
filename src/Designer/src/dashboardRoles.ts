/** Who reads the dashboard and its reports: the service's report readers (ReportScope.Readers). Kept apart from the page so
 *  the workbench knows whether to offer it without loading the charts. */
export const dashboardRoles = ["township-officer", "township-approver", "county-officer", "county-approver", "finance-officer", "province-admin", "system-admin"];
