//! Read access to the node properties the model keeps in boxed groups (`scan`, `scan_stats`,
//! `conditions`, `join_conditions`, `other_conditions`, `sort`, `grouping`, `gather`), as if they were fields: `node.index_cond()` instead of
//! `node.conditions.as_deref().and_then(|c| c.index_cond.as_deref())`.

use crate::model::{Jit, Node};

macro_rules! getters {
    (
        strs { $( $s:ident : $sg:ident, )* }
        copies { $( $c:ident : $cg:ident => $cty:ty, )* }
        refs { $( $r:ident : $rg:ident => $rty:ty, )* }
    ) => {
        /// Group fields of a [`Node`] as methods.
        pub trait NodeExt {
            $( #[doc = concat!("`", stringify!($s), "` (group `", stringify!($sg), "`).")] fn $s(&self) -> Option<&str>; )*
            $( #[doc = concat!("`", stringify!($c), "` (group `", stringify!($cg), "`).")] fn $c(&self) -> Option<$cty>; )*
            $( #[doc = concat!("`", stringify!($r), "` (group `", stringify!($rg), "`).")] fn $r(&self) -> Option<&$rty>; )*
        }

        impl NodeExt for Node {
            $( fn $s(&self) -> Option<&str> { self.$sg.as_deref()?.$s.as_deref() } )*
            $( fn $c(&self) -> Option<$cty> { self.$cg.as_deref()?.$c } )*
            $( fn $r(&self) -> Option<&$rty> { self.$rg.as_deref()?.$r.as_ref() } )*
        }
    };
}

getters! {
    strs {
        index_cond: conditions,
        recheck_cond: conditions,
        tid_cond: conditions,
        merge_cond: join_conditions,
        hash_cond: join_conditions,
        join_filter: join_conditions,
        one_time_filter: other_conditions,
        order_by: conditions,
        run_condition: other_conditions,
        function_name: scan,
        table_function_name: scan,
        cte_name: scan,
        tuplestore_name: scan,
        function_call: scan,
        table_function_call: scan,
    }
    copies {
        rows_removed_by_index_recheck: conditions => f64,
        rows_removed_by_join_filter: join_conditions => f64,
        heap_fetches: scan_stats => f64,
        exact_heap_blocks: scan_stats => u64,
        lossy_heap_blocks: scan_stats => u64,
        workers_planned: gather => u64,
        workers_launched: gather => u64,
        single_copy: gather => bool,
    }
    refs {
        sort_key: sort => Vec<String>,
        group_key: grouping => Vec<String>,
        params_evaluated: gather => Vec<String>,
        jit: gather => Vec<Jit>,
    }
}
