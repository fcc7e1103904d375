"""Mesa agent views and the networkx graph, made only when something reads them.

The model's state lives in numpy arrays; a headless run (a sweep, ``ieisim run``) never needs
a Mesa agent per row nor a networkx graph, and creating them was a third of a status-quo run.
The app, the tests and the run tables read ``model.agents``, ``model.agents_by_type``,
``model.enterprise_agents``, ``model.college_agents``, ``model.teacher_agents`` and
``model.network``; each of these calls :func:`sync_views` or :func:`network` first.

Unique ids are those of eager creation: enterprises are created first (ids 1..n_enterprises),
then colleges, as world building did; teachers' and students' views follow, in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:  # pragma: no cover
    from sim.model import CooperationModel


POPULATIONS = ("colleges", "teachers", "students")
"""The populations :func:`sync_views` brings up to date, in the order their views are made
("colleges" stands for enterprises and colleges, made together)."""


def sync_views(m: "CooperationModel", upto: str = "students") -> None:
    """Create (or refresh) the Mesa agents of the populations up to ``upto`` (all by default).

    Enterprises and colleges never change in number: their views are made once. Teacher
    views are remade whenever the number of teachers changed (industry professors hired or
    gone); student views follow the enrolled students (:meth:`StudentPopulation.sync_views`).
    ``model.enterprise_agents`` and ``model.college_agents`` sync those two only (a national
    run's tables would otherwise make 850,850 student agents to read the firms' ids); the
    populations after them are made when read, still in the order of eager creation.
    """
    from sim.agents import College, Enterprise, Teacher

    if upto not in POPULATIONS:
        raise ValueError(f"upto = {upto!r}: one of {', '.join(POPULATIONS)}")
    if m._enterprise_views is None:
        m._enterprise_views = [Enterprise(m, j) for j in range(m.firms.n)]
        m._college_views = [College(m, i) for i in range(m.colleges.n)]
    if upto == "colleges":
        return
    if m._teacher_views is None or len(m._teacher_views) != m.teachers.n:
        for agent in m._teacher_views or ():
            agent.remove()
        m._teacher_views = [Teacher(m, k) for k in range(m.teachers.n)]
    if upto == "teachers":
        return
    m.students.sync_views(m)


def network(m: "CooperationModel") -> nx.Graph:
    """The networkx graph of the active ties: nodes made on first read, edges synced on every read.

    Nodes ``("c", i)`` (kind, city, tier) and ``("e", j)`` (kind, city, sector, employees).
    """
    from sim.network import college_node, enterprise_node
    from sim.population import TIERS
    from sim.sectors import SECTOR_NAMES

    if m.graph is None:
        g = nx.Graph()
        g.add_nodes_from(
            (college_node(i), {"kind": "college", "city": int(m.colleges.city[i]),
                               "tier": TIERS[m.colleges.tier[i]]})
            for i in range(m.colleges.n))
        g.add_nodes_from(
            (enterprise_node(j), {"kind": "enterprise", "city": int(m.firms.city[j]),
                                  "sector": SECTOR_NAMES[m.firms.sector[j]],
                                  "employees": int(m.firms.employees[j])})
            for j in range(m.firms.n))
        m.graph = g
    m.ties.sync_graph(m.graph)
    return m.graph
