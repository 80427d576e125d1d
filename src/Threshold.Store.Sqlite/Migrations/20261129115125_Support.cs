using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threshold.Store.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Support : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClosedBy",
                table: "SupportRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClosingNote",
                table: "SupportRequests",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MultiFactorAt",
                table: "Sessions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AgentAudit",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RequestNumber = table.Column<string>(type: "TEXT", maxLength: 9, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FormToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReferenceCode = table.Column<string>(type: "TEXT", maxLength: 9, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AgentInvitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcceptedBy = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentInvitations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "FactorResets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestNumber = table.Column<string>(type: "TEXT", maxLength: 9, nullable: true),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FactorResets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FactorResets_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "AspNetRoles",
                columns: new[] { "Id", "ConcurrencyStamp", "Name", "NormalizedName" },
                values: new object[] { new Guid("6a1f0c3e-2b7d-4e59-9c4a-5f8e1d2a7b90"), "agent-role", "Agent", "AGENT" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentAudit_AccountId_At",
                table: "AgentAudit",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentAudit_AgentId_AccountId_Action_At",
                table: "AgentAudit",
                columns: new[] { "AgentId", "AccountId", "Action", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentAudit_At",
                table: "AgentAudit",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AgentAudit_FormToken",
                table: "AgentAudit",
                column: "FormToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AgentInvitations_TokenHash",
                table: "AgentInvitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FactorResets_AccountId_RequestedAt",
                table: "FactorResets",
                columns: new[] { "AccountId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FactorResets_CancelTokenHash",
                table: "FactorResets",
                column: "CancelTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FactorResets_DueAt",
                table: "FactorResets",
                column: "DueAt");

            // The audit log is append-only: the database itself refuses to change or remove a line.
            migrationBuilder.Sql("CREATE TRIGGER AgentAudit_NoUpdate BEFORE UPDATE ON AgentAudit BEGIN SELECT RAISE(ABORT, 'AgentAudit is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AgentAudit_NoDelete BEFORE DELETE ON AgentAudit BEGIN SELECT RAISE(ABORT, 'AgentAudit is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AgentAudit_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AgentAudit_NoDelete;");

            migrationBuilder.DropTable(
                name: "AgentAudit");

            migrationBuilder.DropTable(
                name: "AgentInvitations");

            migrationBuilder.DropTable(
                name: "FactorResets");

            migrationBuilder.DeleteData(
                table: "AspNetRoles",
                keyColumn: "Id",
                keyValue: new Guid("6a1f0c3e-2b7d-4e59-9c4a-5f8e1d2a7b90"));

            migrationBuilder.DropColumn(
                name: "ClosedBy",
                table: "SupportRequests");

            migrationBuilder.DropColumn(
                name: "ClosingNote",
                table: "SupportRequests");

            migrationBuilder.DropColumn(
                name: "MultiFactorAt",
                table: "Sessions");
        }
    }
}
