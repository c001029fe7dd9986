"""The figures and words of the demo fleet: how full, how big, which names and texts.

Contract figures never live here: the fleet derives sizes and counts from the contract's
catalog, systems, KPIs and term; these are the demo's own choices.
"""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

from govcloud.inventory.choices import ChangeKind, ChangeStatus

BEIJING = ZoneInfo("Asia/Shanghai")
#: Requests are made and handled in office hours of working days (Beijing time).
OFFICE_START, OFFICE_END = time(9), time(17, 30)

#: Share of each contracted quantity the fleet takes at the term start; the history adds
#: a few per cent.
INITIAL_FILL = (0.80, 0.84)
#: Hosts planned per host the contract's KPI asks to keep in service: some are
#: decommissioned or stopped during the term.
HOST_MARGIN = 1.15
#: Without a KPI of hosts in service: one host per this many vCPU.
TYPICAL_VCPU = 6
#: The smallest host; every host starts at it and some are doubled within the budget.
MIN_VCPU = 2
#: Memory per vCPU of the flavors clouds sell (2C1G … 2C16G).
FLAVOR_FACTORS = (0.5, 1, 2, 4, 8)
STORAGE_METERS = ("standard_storage_gb", "performance_storage_gb")
#: Disks and backup quotas come in steps of this many GB.
STORAGE_STEP = 10

#: The roles of a system's hosts, in the order a growing system adds them.
ROLE_ORDER = ("app", "db", "web", "app", "cache", "db", "app", "mq", "web", "search", "app",
              "file", "app", "gateway")
#: The largest host of a role (8 vCPU for the others), and how often a role is doubled.
MAX_VCPU = {"app": 16, "db": 16, "search": 16}
UPGRADE_WEIGHT = {"app": 3, "db": 3, "search": 2}
#: How much of each storage tier a role takes (1 for the others).
STORAGE_WEIGHT = {
    "standard_storage_gb": {"file": 4, "app": 1.5},
    "performance_storage_gb": {"db": 6, "search": 4, "cache": 2, "mq": 2, "app": 1.5,
                               "web": 0.5, "gateway": 0.5},
}
#: Which hosts take a per-host service first (catalog items 9–12).
SERVICE_PRIORITY = {
    "host_monitoring": {"db": 2, "app": 1.5},
    "host_antivirus": {"web": 2, "gateway": 2},
    "host_protection": {"web": 3, "gateway": 3, "db": 2},
    "host_vulnerability_scan": {"web": 3, "gateway": 3, "app": 2},
}
#: Operating systems common on government clouds, with how often they appear.
OPERATING_SYSTEMS = (("麒麟 V10", 40), ("统信 UOS 20", 20), ("CentOS 7.9", 25),
                     ("openEuler 22.03", 15))
#: Invented people are drawn from common surnames and given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏宇浩然晨欣怡思佳"

# The history --------------------------------------------------------------------------

#: Requests that end verified, by kind and variant, for a fleet of about 200 hosts.
VERIFIED_MIX = (
    (ChangeKind.NEW_HOST, "", 6), (ChangeKind.RESIZE, "up", 5), (ChangeKind.RESIZE, "down", 3),
    (ChangeKind.STORAGE, "expand", 4), (ChangeKind.STORAGE, "shrink", 2),
    (ChangeKind.SERVICES, "add", 3), (ChangeKind.SERVICES, "remove", 1),
    (ChangeKind.SUBSCRIPTION, "", 6), (ChangeKind.DECOMMISSION, "", 3),
    (ChangeKind.RESTART, "", 5), (ChangeKind.STOP, "", 1), (ChangeKind.STOP, "then start", 1),
)
#: Requests that end otherwise, spread over the term.
UNUSUAL = (
    (ChangeKind.NEW_HOST, "", ChangeStatus.REJECTED),
    (ChangeKind.RESIZE, "up", ChangeStatus.REJECTED),
    (ChangeKind.SUBSCRIPTION, "", ChangeStatus.REJECTED),
    (ChangeKind.RESIZE, "up", ChangeStatus.FAILED),
    (ChangeKind.STORAGE, "expand", ChangeStatus.WITHDRAWN),
)
#: Requests still open at the end of the history, so every queue has work in it.
STILL_OPEN = (
    (ChangeKind.SERVICES, "add", ChangeStatus.DONE),
    (ChangeKind.SUBSCRIPTION, "", ChangeStatus.DONE),
    (ChangeKind.STORAGE, "expand", ChangeStatus.IN_PROGRESS),
    (ChangeKind.NEW_HOST, "", ChangeStatus.APPROVED),
    (ChangeKind.RESIZE, "up", ChangeStatus.SUBMITTED),
    (ChangeKind.RESTART, "", ChangeStatus.SUBMITTED),
    (ChangeKind.NEW_HOST, "", ChangeStatus.DRAFT),
)
#: The steps of the workflow that bring a request to each status.
STEPS = {
    ChangeStatus.DRAFT: ("create",),
    ChangeStatus.SUBMITTED: ("create", "submit"),
    ChangeStatus.APPROVED: ("create", "submit", "approve"),
    ChangeStatus.IN_PROGRESS: ("create", "submit", "approve", "start"),
    ChangeStatus.DONE: ("create", "submit", "approve", "start", "finish"),
    ChangeStatus.VERIFIED: ("create", "submit", "approve", "start", "finish", "verify"),
    ChangeStatus.REJECTED: ("create", "submit", "reject"),
    ChangeStatus.FAILED: ("create", "submit", "approve", "start", "fail"),
    ChangeStatus.WITHDRAWN: ("create", "submit", "withdraw"),
}
#: Hours from one step to the next (before moving into office hours).
GAP_HOURS = {"submit": (0.1, 1.5), "approve": (1, 26), "reject": (1, 26), "withdraw": (1, 20),
             "start": (1, 30), "finish": (0.5, 5), "fail": (0.5, 5), "verify": (2, 40)}
#: A history needs some weeks; a shorter term gets the fleet only.
MIN_HISTORY = timedelta(days=30)

# What the people write: data, in the language the contract's people write in.
REASONS = {
    (ChangeKind.NEW_HOST, ""): ("新功能模块上线，需要独立部署应用节点。",
                                "业务量增长，增加应用节点分担负载。",
                                "等保测评整改，需要单独部署日志采集节点。"),
    (ChangeKind.RESIZE, "up"): ("近一个月 CPU 峰值使用率超过 85%，需扩容。",
                                "年底集中填报期业务量增长，需扩容。"),
    (ChangeKind.RESIZE, "down"): ("近三个月 CPU 平均使用率低于 15%，释放闲置资源。",),
    (ChangeKind.STORAGE, "expand"): ("数据量增长，数据盘使用率超过 80%。",
                                     "新增附件归档功能，需扩充存储。"),
    (ChangeKind.STORAGE, "shrink"): ("历史数据已归档至备份，释放多余存储。",),
    (ChangeKind.SERVICES, "add"): ("按等保整改要求为该主机开通安全服务。",),
    (ChangeKind.SERVICES, "remove"): ("该主机改为内部测试用途，不再需要此项服务。",),
    (ChangeKind.DECOMMISSION, ""): ("系统改造后该节点不再使用，申请下线。",
                                    "应用合并部署，原节点下线。"),
    (ChangeKind.RESTART, ""): ("应用进程无响应，需重启恢复。", "操作系统补丁安装后需重启生效。"),
    (ChangeKind.STOP, ""): ("系统暂停对外服务，停机节省资源。",),
    (ChangeKind.STOP, "then start"): ("配合数据迁移，临时停机。",),
    (ChangeKind.START, ""): ("数据迁移完成，恢复运行。",),
}
SUBSCRIPTION_REASONS = {
    "backup_gb": "数据量增长，需增加备份容量。",
    "load_balancer_ip": "系统双节点部署，需要负载均衡地址。",
    "remote_access_account": "新增驻场运维人员，需要远程接入账号。",
    "vpn_account": "新增业务处室用户，需要开通 VPN 账号。",
    "database_audit": "新增数据库需纳入数据库审计。",
    "data_security_service": "开展数据分类分级与风险评估。",
}
SUBSCRIPTION_DECREASE = "人员离岗或调整，注销多余账号、释放多余资源。"
RISKS = {
    ChangeKind.NEW_HOST: "新建主机，不影响现有业务。",
    ChangeKind.RESIZE: "需重启主机，影响约 10 分钟，安排在业务低峰期。",
    ChangeKind.STORAGE: "在线调整数据盘，存在数据丢失风险，操作前已做快照。",
    ChangeKind.SERVICES: "安装或卸载代理程序，对业务无明显影响。",
    ChangeKind.SUBSCRIPTION: "不涉及主机变更，对业务无影响。",
    ChangeKind.DECOMMISSION: "业务已迁出，下线前已完成数据备份。",
    ChangeKind.RESTART: "重启期间业务中断约 5 分钟。",
    ChangeKind.STOP: "停机期间系统不可用，已通知相关用户。",
    ChangeKind.START: "启动后需检查应用服务状态。",
}
FALLBACKS = {
    ChangeKind.NEW_HOST: "如部署失败，释放新建主机。",
    ChangeKind.RESIZE: "如变更后异常，恢复原规格。",
    ChangeKind.STORAGE: "如变更后异常，用快照恢复。",
    ChangeKind.SERVICES: "如有异常，恢复原服务配置。",
    ChangeKind.SUBSCRIPTION: "如有异常，恢复原数量。",
    ChangeKind.DECOMMISSION: "保留备份 30 天，可按备份重建。",
    ChangeKind.RESTART: "如重启失败，由平台运维从控制台恢复。",
    ChangeKind.STOP: "如需恢复，提交启动申请。",
    ChangeKind.START: "如启动失败，由平台运维排查。",
}
REJECTIONS = {
    ChangeKind.NEW_HOST: "申请规格超出业务实际需要，请按评估结果重新申请。",
    ChangeKind.RESIZE: "未提供性能监测数据，请补充后再申请。",
    ChangeKind.SUBSCRIPTION: "现有资源可以满足需求，暂不调整。",
}
FAILURE = "宿主机资源不足，在线变更失败，已回滚到原状态。"
